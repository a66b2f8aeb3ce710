package org.sparktrain.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.optim.FlatOptimizer;
import org.sparktrain.engine.optim.TensorLayout;

import java.util.List;
import java.util.Random;

/**
 * A convex test problem with a closed-form optimum: linear regression f(w, b) = (1/2m) Σ (w·a_j + b − y_j)² on m
 * generated points, parameters [w (d entries), b] as two tensors. The optimum solves the normal equations (in double).
 */
final class LeastSquares {
    final int m;
    final int d;
    final double[][] a;
    final double[] y;
    final double[] optimum;

    LeastSquares(int m, int d, long seed, double noise) {
        this(m, d, seed, noise, 2);
    }

    LeastSquares(int m, int d, long seed, double noise, double scale) {
        this.m = m;
        this.d = d;
        Random rng = new Random(seed);
        double[] truth = new double[d + 1];
        for (int j = 0; j <= d; j++) {
            truth[j] = scale * rng.nextGaussian();
        }
        a = new double[m][d];
        y = new double[m];
        for (int i = 0; i < m; i++) {
            y[i] = truth[d];
            for (int j = 0; j < d; j++) {
                a[i][j] = 1.5 * rng.nextGaussian() + 0.5;
                y[i] += truth[j] * a[i][j];
            }
            y[i] += noise * rng.nextGaussian();
        }
        optimum = solveNormalEquations();
    }

    int numParams() {
        return d + 1;
    }

    TensorLayout layout() {
        return new TensorLayout(List.of("w", "b"), new long[]{0, d}, new long[]{d, 1});
    }

    double loss(double[] p) {
        double s = 0;
        for (int i = 0; i < m; i++) {
            double r = residual(p, i);
            s += r * r;
        }
        return s / (2 * m);
    }

    double[] gradient(double[] p) {
        double[] g = new double[d + 1];
        for (int i = 0; i < m; i++) {
            double r = residual(p, i);
            for (int j = 0; j < d; j++) {
                g[j] += r * a[i][j] / m;
            }
            g[d] += r / m;
        }
        return g;
    }

    private double residual(double[] p, int i) {
        double r = p[d] - y[i];
        for (int j = 0; j < d; j++) {
            r += p[j] * a[i][j];
        }
        return r;
    }

    /** Full-batch training from 0 for {@code steps} steps; returns the loss at the optimizer's evaluation point. */
    double train(FlatOptimizer opt, int steps) {
        INDArray params = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, numParams());
        for (int k = 0; k < steps; k++) {
            opt.step(params, floats(gradient(doubles(params))), k, 0);
        }
        return loss(doubles(opt.evalParams(params)));
    }

    static INDArray floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return Nd4j.createFromArray(f);
    }

    static double[] doubles(INDArray a) {
        float[] f = a.reshape(a.length()).toFloatVector();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** (XᵀX) p = Xᵀy with X = [a, 1], by Gaussian elimination with partial pivoting. */
    private double[] solveNormalEquations() {
        int k = d + 1;
        double[][] mat = new double[k][k + 1];
        for (int i = 0; i < m; i++) {
            double[] row = new double[k];
            System.arraycopy(a[i], 0, row, 0, d);
            row[d] = 1;
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < k; c++) {
                    mat[r][c] += row[r] * row[c];
                }
                mat[r][k] += row[r] * y[i];
            }
        }
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(mat[r][col]) > Math.abs(mat[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = mat[col];
            mat[col] = mat[pivot];
            mat[pivot] = t;
            for (int r = 0; r < k; r++) {
                if (r != col) {
                    double f = mat[r][col] / mat[col][col];
                    for (int c = col; c <= k; c++) {
                        mat[r][c] -= f * mat[col][c];
                    }
                }
            }
        }
        double[] p = new double[k];
        for (int r = 0; r < k; r++) {
            p[r] = mat[r][k] / mat[r][r];
        }
        return p;
    }
}

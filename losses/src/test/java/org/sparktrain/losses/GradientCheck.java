package org.sparktrain.losses;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Central finite differences in double precision against an analytic gradient (test utility). */
public final class GradientCheck {
    private GradientCheck() {
    }

    /**
     * Perturbs every entry (of plain double copies of the inputs, so {@code f} should be a plain-Java computation) of every input by ±h and compares (f(x+h) − f(x−h))/2h with the analytic gradient:
     * |analytic − numeric| must be at most 1e-6·max(|numeric|, |analytic|) + 1e-9.
     * Returns the largest relative error over the entries whose gradient exceeds 1e-6 in magnitude.
     */
    public static double assertMatches(String what, INDArray[] inputs, INDArray[] analytic,
                                       ToDoubleFunction<double[][][]> f) {
        double h = 1e-6;
        double worst = 0;
        double[][][] x = new double[inputs.length][][];
        for (int a = 0; a < inputs.length; a++) {
            x[a] = inputs[a] == null ? null : inputs[a].toDoubleMatrix();
        }
        for (int a = 0; a < inputs.length; a++) {
            if (x[a] == null) {
                continue;
            }
            double[][] exact = analytic[a].toDoubleMatrix();
            for (int r = 0; r < x[a].length; r++) {
                for (int c = 0; c < x[a][r].length; c++) {
                    double saved = x[a][r][c];
                    x[a][r][c] = saved + h;
                    double up = f.applyAsDouble(x);
                    x[a][r][c] = saved - h;
                    double down = f.applyAsDouble(x);
                    x[a][r][c] = saved;
                    double numeric = (up - down) / (2 * h);
                    double err = Math.abs(exact[r][c] - numeric);
                    double scale = Math.max(Math.abs(numeric), Math.abs(exact[r][c]));
                    worst = Math.max(worst, scale > 1e-6 ? err / scale : 0);
                    assertTrue(err <= 1e-6 * scale + 1e-9, what + ": input " + a + " entry [" + r + "][" + c
                            + "] analytic " + exact[r][c] + " numeric " + numeric);
                }
            }
        }
        return worst;
    }

    public static INDArray[] copy(INDArray[] xs) {
        INDArray[] c = new INDArray[xs.length];
        for (int k = 0; k < xs.length; k++) {
            c[k] = xs[k] == null ? null : xs[k].dup('c');
        }
        return c;
    }

    /** A rows×cols double matrix of seeded Gaussian entries. */
    public static INDArray gaussian(Random rnd, int rows, int cols) {
        double[][] v = new double[rows][cols];
        for (double[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return Nd4j.create(v).castTo(DataType.DOUBLE);
    }

    /** Plain-Java cosine similarity of two vectors (an independent computation for reference values). */
    public static double cosine(double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int k = 0; k < a.length; k++) {
            ab += a[k] * b[k];
            aa += a[k] * a[k];
            bb += b[k] * b[k];
        }
        return ab / Math.sqrt(aa * bb);
    }
}

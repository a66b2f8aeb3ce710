package org.sparktrain.data.sampling;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Weighted linear least squares in double precision, on the driver (for the m rows of a sample, or a table that
 * fits in memory):
 * <pre>
 * β̂ = argmin_β Σ_i w_i·(a_iᵀβ − y_i)²        A: r x d (rows a_i), y: r, w: r (w_i >= 0)
 *    = solution of the ordinary least squares on rows √w_i·a_i and targets √w_i·y_i
 * </pre>
 * solved by Householder QR of the r x d matrix diag(√w)·A (Apache Commons Math 3 {@link QRDecomposition}), not by
 * the normal equations, so the condition number is not squared. No ridge term: a rank-deficient weighted design
 * (fewer than d distinct rows with positive weight, or collinear columns) is an error.
 */
public final class WeightedLeastSquares {
    /** Relative threshold on |R_jj| below which the design counts as rank-deficient. */
    public static final double SINGULARITY_THRESHOLD = 1e-12;

    private WeightedLeastSquares() {
    }

    /**
     * β̂ of the weighted problem.
     *
     * @param a rows of the design (r x d, all of length d)
     * @param y targets (r)
     * @param w weights (r), each finite and >= 0; null for unit weights
     * @throws IllegalArgumentException for mismatched lengths, a negative or non-finite weight, r < d, or a
     *                                  rank-deficient weighted design
     */
    public static double[] fit(double[][] a, double[] y, double[] w) {
        int r = a.length;
        if (r == 0 || y.length != r || (w != null && w.length != r)) {
            throw new IllegalArgumentException("weighted least squares: " + r + " design rows, " + y.length
                    + " targets, " + (w == null ? "unit" : Integer.toString(w.length)) + " weights");
        }
        int d = a[0].length;
        if (r < d) {
            throw new IllegalArgumentException("weighted least squares: " + r + " rows cannot determine " + d
                    + " coefficients");
        }
        double[][] scaled = new double[r][d];
        double[] target = new double[r];
        for (int i = 0; i < r; i++) {
            double wi = w == null ? 1 : w[i];
            if (!(wi >= 0) || Double.isInfinite(wi)) {
                throw new IllegalArgumentException("weighted least squares: weight " + i + " is " + wi);
            }
            if (a[i].length != d) {
                throw new IllegalArgumentException("weighted least squares: row " + i + " has " + a[i].length
                        + " columns, row 0 has " + d);
            }
            double s = Math.sqrt(wi);
            for (int j = 0; j < d; j++) {
                scaled[i][j] = s * a[i][j];
            }
            target[i] = s * y[i];
        }
        QRDecomposition qr = new QRDecomposition(new Array2DRowRealMatrix(scaled, false), 0);
        RealMatrix rFactor = qr.getR();
        double largest = 0;
        for (int j = 0; j < d; j++) {
            largest = Math.max(largest, Math.abs(rFactor.getEntry(j, j)));
        }
        for (int j = 0; j < d; j++) {
            if (!(Math.abs(rFactor.getEntry(j, j)) > SINGULARITY_THRESHOLD * largest)) {
                throw new IllegalArgumentException("weighted least squares: the weighted design is rank-deficient "
                        + "(column " + j + " is a combination of the others on these " + r + " rows)");
            }
        }
        DecompositionSolver solver = qr.getSolver();
        return solver.solve(new ArrayRealVector(target, false)).toArray();
    }

    /** √(mean of (a_iᵀβ − y_i)²) over the rows. */
    public static double rmse(double[] beta, double[][] a, double[] y) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double e = dot(a[i], beta) - y[i];
            s += e * e;
        }
        return Math.sqrt(s / a.length);
    }

    /** ‖β̂ − β‖₂ / ‖β‖₂. */
    public static double relativeError(double[] estimate, double[] reference) {
        double num = 0;
        double den = 0;
        for (int j = 0; j < reference.length; j++) {
            double e = estimate[j] - reference[j];
            num += e * e;
            den += reference[j] * reference[j];
        }
        return Math.sqrt(num / den);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }
}

package org.sparktrain.zoo.grownet;

/**
 * Row-major dense matrix products on plain {@code double[]} (no native library): GrowNet's learners are tiny
 * (H ≤ a few hundred), where per-call overhead of a native op dominates, so plain Java loops are faster and give
 * the same double-precision results on every JVM.
 */
final class Dense {
    private Dense() {
    }

    /** C (m, n) = A (m, k) · B (k, n). */
    static double[] mul(double[] a, int m, int k, double[] b, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            for (int p = 0; p < k; p++) {
                double v = a[i * k + p];
                if (v == 0) {
                    continue;
                }
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += v * b[bp + j];
                }
            }
        }
        return c;
    }

    /** C (k, n) = Aᵀ · B with A (m, k), B (m, n). */
    static double[] mulTransA(double[] a, int m, int k, double[] b, int n) {
        double[] c = new double[k * n];
        for (int i = 0; i < m; i++) {
            int bi = i * n;
            for (int p = 0; p < k; p++) {
                double v = a[i * k + p];
                if (v == 0) {
                    continue;
                }
                int cp = p * n;
                for (int j = 0; j < n; j++) {
                    c[cp + j] += v * b[bi + j];
                }
            }
        }
        return c;
    }

    /** C (m, k) = A · Bᵀ with A (m, n), B (k, n). */
    static double[] mulTransB(double[] a, int m, int n, double[] b, int k) {
        double[] c = new double[m * k];
        for (int i = 0; i < m; i++) {
            int ai = i * n;
            for (int p = 0; p < k; p++) {
                int bp = p * n;
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += a[ai + j] * b[bp + j];
                }
                c[i * k + p] = s;
            }
        }
        return c;
    }

    /** Adds a row vector (length n) to every row of X (rows, n) in place. */
    static void addRow(double[] x, int rows, double[] v, int vOffset, int n) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                x[i * n + j] += v[vOffset + j];
            }
        }
    }

    /** Column sums of X (rows, n). */
    static double[] colSums(double[] x, int rows, int n) {
        double[] s = new double[n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                s[j] += x[i * n + j];
            }
        }
        return s;
    }

    /** [A | B] with A (rows, n1), B (rows, n2). */
    static double[] hstack(double[] a, int n1, double[] b, int n2, int rows) {
        double[] c = new double[rows * (n1 + n2)];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(a, i * n1, c, i * (n1 + n2), n1);
            System.arraycopy(b, i * n2, c, i * (n1 + n2) + n1, n2);
        }
        return c;
    }
}

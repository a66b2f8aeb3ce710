package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The scalar reductions of the learning-rate-free optimizers (dot products, squared L2 norms, L1 norms, distances)
 * over host copies of float vectors, accumulated in {@code double} in index order by one Java thread.
 *
 * <p>Why not ND4J's reductions: they accumulate float inputs in float and split the work over native threads, so
 * the result depends on the thread count and loses precision on long vectors. Here every replica computes the same
 * sum bit for bit whatever its thread count, backend or CPU (Java floating point is strict), which keeps replicas
 * identical; the spec asks for every scalar in double. The element-wise vector updates stay ND4J ops.
 */
public final class DoubleReductions {
    private DoubleReductions() {
    }

    /** A host copy of a vector's values (a CPU or GPU array, any shape, read in its logical c order). */
    public static float[] host(INDArray a) {
        return a.reshape(a.length()).toFloatVector();
    }

    /** Σ a_i b_i over {@code [from, to)}. */
    public static double dot(float[] a, float[] b, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    public static double dot(float[] a, float[] b) {
        return dot(a, b, 0, a.length);
    }

    /** Σ a_i² over {@code [from, to)}. */
    public static double sumSquares(float[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) a[i] * a[i];
        }
        return s;
    }

    public static double sumSquares(float[] a) {
        return sumSquares(a, 0, a.length);
    }

    /** Σ |a_i| (the L1 norm). */
    public static double sumAbs(float[] a) {
        double s = 0;
        for (float v : a) {
            s += Math.abs((double) v);
        }
        return s;
    }

    /** Σ (a_i − b_i)² over {@code [from, to)}, differences taken in double. */
    public static double distanceSquared(float[] a, float[] b, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    /** Σ a_i (b_i − c_i), differences taken in double (Prodigy's ⟨g, x0 − x⟩). */
    public static double dotWithDifference(float[] a, float[] b, float[] c) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * ((double) b[i] - c[i]);
        }
        return s;
    }

    /**
     * Σ g_i s_i / (√v_i + ε) (D-Adaptation Adam's numerator increment); terms with s_i = 0 count as 0, which is
     * the ε → 0 limit where v_i = 0 (no gradient seen yet) and keeps ε = 0 usable.
     */
    public static double dotOverRootPlusEps(float[] g, float[] s, float[] v, double eps) {
        double sum = 0;
        for (int i = 0; i < g.length; i++) {
            if (s[i] != 0) {
                sum += (double) g[i] * s[i] / (Math.sqrt(v[i]) + eps);
            }
        }
        return sum;
    }
}

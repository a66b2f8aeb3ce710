package org.sparktrain.zoo.grownet;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Rank-Gauss scaling: x̃_j = Φ⁻¹(u_j(x_j)), where u_j is feature j's empirical distribution function on the training
 * data, represented by m knots q_{j,0} ≤ … ≤ q_{j,m−1}, the training quantiles at probabilities p_i = i/(m − 1).
 * <ul>
 *   <li>between knots q_{j,i} &lt; v &lt; q_{j,i+1}: u = p_i + (v − q_{j,i}) / (q_{j,i+1} − q_{j,i}) · (p_{i+1} − p_i)
 *       (linear interpolation);</li>
 *   <li>on knots (v equal to q_{j,lo} = … = q_{j,hi}, e.g. a discrete feature's value): u = (p_lo + p_hi)/2, the
 *       middle of the probability range the value occupies, so a binary feature maps to two values;</li>
 *   <li>below the first / above the last knot: u = 0 / 1;</li>
 *   <li>then u is clipped to [ε, 1 − ε] with ε = 1/(2(m − 1)), half the grid step, and x̃ = Φ⁻¹(u)
 *       ({@link StandardNormal}); with m = 1001 knots |x̃| ≤ 3.29.</li>
 * </ul>
 * The map is monotone per feature, so the fitted model depends on the features only through their training ranks,
 * as a tree ensemble does; heavy-tailed features (census-house's counts, whose standardised values are mostly near 0
 * with outliers at 90 standard deviations) become roughly normal inputs.
 */
public final class QuantileNormalScaling implements FeatureScaling {
    static final String KIND = "quantile";
    /** Knots per feature when fitted from data: the quantiles at 0, 0.001, …, 1. */
    public static final int DEFAULT_KNOTS = 1001;

    private final double[][] knots;

    /** @param knots per feature, its m ≥ 2 training quantiles at probabilities i/(m − 1), non-decreasing */
    public QuantileNormalScaling(double[][] knots) {
        this.knots = new double[knots.length][];
        for (int j = 0; j < knots.length; j++) {
            double[] q = knots[j];
            if (q.length < 2 || q.length != knots[0].length) {
                throw new IllegalArgumentException("feature " + j + ": needs the same number (at least 2) of knots as "
                        + "feature 0, got " + q.length);
            }
            for (int i = 0; i < q.length; i++) {
                if (!Double.isFinite(q[i]) || (i > 0 && q[i] < q[i - 1])) {
                    throw new IllegalArgumentException("feature " + j + ": knots must be finite and non-decreasing, "
                            + "knot " + i + " is " + q[i]);
                }
            }
            this.knots[j] = q.clone();
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int inputs() {
        return knots.length;
    }

    /** Feature j's knots (a copy). */
    public double[] knots(int j) {
        return knots[j].clone();
    }

    /** The empirical distribution value u_j(v) before clipping. */
    public double probability(int j, double v) {
        double[] q = knots[j];
        int m = q.length;
        double step = 1.0 / (m - 1);
        int lo = lowerBound(q, v);          // first knot ≥ v
        if (lo == m) {
            return 1;
        }
        if (q[lo] == v) {
            int hi = lowerBoundAbove(q, v) - 1; // last knot ≤ v
            return (lo + hi) * step / 2;
        }
        if (lo == 0) {
            return 0;
        }
        return (lo - 1 + (v - q[lo - 1]) / (q[lo] - q[lo - 1])) * step;
    }

    @Override
    public double apply(int j, double v) {
        double eps = 0.5 / (knots[j].length - 1);
        return StandardNormal.quantile(Math.min(1 - eps, Math.max(eps, probability(j, v))));
    }

    @Override
    public void writeParams(DataOutputStream out) throws IOException {
        out.writeInt(knots.length);
        for (double[] q : knots) {
            DoubleArrayIo.write(out, q);
        }
    }

    static QuantileNormalScaling readParams(DataInputStream in) throws IOException {
        int d = in.readInt();
        if (d < 0 || d > 10_000_000) {
            throw new IOException("corrupt feature count " + d);
        }
        double[][] knots = new double[d][];
        for (int j = 0; j < d; j++) {
            knots[j] = DoubleArrayIo.read(in);
        }
        try {
            return new QuantileNormalScaling(knots);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad quantile knots: " + e.getMessage(), e);
        }
    }

    /** Index of the first entry ≥ v (a.length if none). */
    private static int lowerBound(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Index of the first entry &gt; v (a.length if none). */
    private static int lowerBoundAbove(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}

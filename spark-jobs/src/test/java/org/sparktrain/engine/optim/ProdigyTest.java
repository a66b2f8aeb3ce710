package org.sparktrain.engine.optim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.engine.optim.TinyProblem.N;

/** Prodigy against the spec's pseudo-code (§2 d), run independently in double precision. */
class ProdigyTest {
    /** The spec's pseudo-code, literally, on double arrays. */
    static final class Reference implements ReferenceOptimizer {
        final Prodigy.Settings p;
        final double lr;
        /** slice_p: the entries s, x0 and the dot use (null = all). */
        final int[] keep;
        final double[] s;
        final double[] m = new double[N];
        final double[] v = new double[N];
        double[] x0;
        double d;
        double dMax;
        double numerator;
        int k;

        Reference(Prodigy.Settings p, double lr) {
            this(p, lr, null);
        }

        Reference(Prodigy.Settings p, double lr, int[] keep) {
            this.p = p;
            this.lr = lr;
            this.keep = keep != null ? keep : new int[]{0, 1, 2, 3};
            this.s = new double[this.keep.length];
            this.d = p.d0();
            this.dMax = p.d0();
        }

        @Override
        public Map<String, Double> scalars() {
            return Map.of("d", d, "dMax", dMax, "N", numerator);
        }

        @Override
        public void step(double[] x, double[] g) {
            if (x0 == null) {
                x0 = new double[keep.length];
                for (int j = 0; j < keep.length; j++) {
                    x0[j] = x[keep[j]];
                }
            }
            if (!p.decoupled() && p.weightDecay() != 0) {
                for (int i = 0; i < N; i++) {
                    g[i] += p.weightDecay() * x[i];
                }
            }
            double gam = d * lr * (p.biasCorrection()
                    ? Math.sqrt(1 - Math.pow(p.beta2(), k + 1)) / (1 - Math.pow(p.beta1(), k + 1)) : 1);
            double w = d / p.d0();
            double dot = 0;
            for (int j = 0; j < keep.length; j++) {
                dot += g[keep[j]] * (x0[j] - x[keep[j]]);
            }
            double newN = p.beta3() * numerator + w * gam * dot;
            double l1 = 0;
            for (int i = 0; i < N; i++) {
                m[i] = p.beta1() * m[i] + (1 - p.beta1()) * d * g[i];
                v[i] = p.beta2() * v[i] + (1 - p.beta2()) * d * d * g[i] * g[i];
            }
            for (int j = 0; j < keep.length; j++) {
                s[j] = p.beta3() * s[j] + w * (p.safeguardWarmup() ? d : gam) * g[keep[j]];
                l1 += Math.abs(s[j]);
            }
            if (l1 == 0) {
                return;
            }
            numerator = newN;
            double dHat = p.dCoef() * numerator / l1;
            if (d == p.d0()) {
                d = Math.max(d, dHat);
            }
            dMax = Math.max(dMax, dHat);
            d = Math.min(dMax, d * p.growthRate());
            for (int i = 0; i < N; i++) {
                if (p.decoupled() && p.weightDecay() != 0) {
                    x[i] -= p.weightDecay() * gam * x[i];
                }
                double den = Math.sqrt(v[i]) + d * p.eps();
                double num = p.beta1() > 0 ? m[i] : d * g[i];
                x[i] -= den == 0 ? 0 : gam * num / den;
            }
            k++;
        }
    }

    static final List<Prodigy.Settings> SETTINGS = List.of(
            new Prodigy.Settings(0.9, 0.999, Math.sqrt(0.999), 1e-8, 0, true, false, false, 0.05, 1, Double.POSITIVE_INFINITY),
            new Prodigy.Settings(0.9, 0.99, 0.9, 1e-6, 0.1, true, true, true, 0.05, 0.5, 1.2),
            new Prodigy.Settings(0.9, 0.999, Math.sqrt(0.999), 1e-8, 0.05, false, false, false, 0.02, 2, Double.POSITIVE_INFINITY),
            new Prodigy.Settings(0, 0.999, Math.sqrt(0.999), 1e-8, 0, true, false, false, 0.05, 1, Double.POSITIVE_INFINITY));

    @Test
    void threeStepsMatchThePseudoCode() {
        for (Prodigy.Settings p : SETTINGS) {
            for (double lr : new double[]{1.0, 0.7}) {
                TinyProblem.Trajectory t = TinyProblem.run(new Prodigy(N, TinyProblem.lr(lr), p), 1, 3);
                TinyProblem.assertFollows(new Reference(p, lr), t, 3, Map.of("d", 1e-5, "dMax", 1e-5, "N", 1e-5),
                        p + " lr " + lr);
                assertTrue(TinyProblem.moved(t.x().get(2)) > 1e-2, "the test must move x: " + p);
            }
        }
    }

    /** slice_p picks entries 0, p, 2p, ... within each tensor (hand-listed). */
    @Test
    void slicedEntriesRestartInEveryTensor() {
        TensorLayout layout = new TensorLayout(List.of("W", "b", "V"), new long[]{0, 3, 4}, new long[]{3, 1, 5});
        assertArrayEquals(new int[]{0, 2, 3, 4, 6, 8}, Prodigy.slicedEntries(layout, 2));
        assertArrayEquals(new int[]{0, 3, 4, 7}, Prodigy.slicedEntries(layout, 3));
        assertArrayEquals(new int[]{0, 3, 4}, Prodigy.slicedEntries(layout, 11));
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8}, Prodigy.slicedEntries(layout, 1));
    }

    /**
     * slice_p = 2 on the two 2-entry tensors of the tiny problem keeps entries 0 and 2: N, D = ‖s‖₁ and so d come
     * from those entries only, m, v and x stay full; checked step by step against the reference restricted by hand
     * to {0, 2}, and against the full-slice run, which must differ (else the slicing would not be exercised).
     */
    @Test
    void sliceTwoMatchesThePseudoCodeOnEntriesZeroAndTwo() {
        Prodigy.Settings p = new Prodigy.Settings(0.9, 0.999, Math.sqrt(0.999), 1e-8, 0, true, false, false, 0.05, 1,
                Double.POSITIVE_INFINITY);
        Prodigy sliced = new Prodigy(N, TinyProblem.lr(1), p, 2, TinyProblem.TWO_TENSORS);
        assertEquals(2 + 2 + 4 + 4 + 4 * ExactDoubles.FLOATS, sliced.stateSize(), sliced.stateLayout());
        TinyProblem.Trajectory t = TinyProblem.run(sliced, 1, 4);
        TinyProblem.Trajectory full = TinyProblem.run(new Prodigy(N, TinyProblem.lr(1), p), 1, 4);
        TinyProblem.assertFollows(new Reference(p, 1, new int[]{0, 2}), t, 4, Map.of("d", 1e-5, "N", 1e-5), "slice 2");
        assertTrue(Math.abs(t.scalar(3, "N") / full.scalar(3, "N") - 1) > 1e-3, "slicing must change N");
        assertTrue(TinyProblem.moved(t.x().get(3)) > 1e-2, "the test must move x");
    }

    @Test
    void dNeverDecreasesAndALossScaledByTenLeavesTheTrajectoryUnchanged() {
        Prodigy.Settings p = new Prodigy.Settings(0.9, 0.999, Math.sqrt(0.999), 0, 0, true, false, false, 1e-6, 1,
                Double.POSITIVE_INFINITY);
        double d = TinyProblem.assertDNeverDecreasesAndScaleFree(() -> new Prodigy(N, TinyProblem.lr(1), p), p.d0(),
                60);
        assertTrue(d > 1e-2, "d adapted from 1e-6 to " + d);
        TinyProblem.assertReferenceScaleFree(() -> new Reference(p, 1), 60);
    }
}

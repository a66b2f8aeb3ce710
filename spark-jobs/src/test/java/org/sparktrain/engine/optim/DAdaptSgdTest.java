package org.sparktrain.engine.optim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.engine.optim.TinyProblem.N;
import static org.sparktrain.engine.optim.TinyProblem.assertClose;

/** D-Adaptation SGD against the spec's pseudo-code (§1 b, d), run independently in double precision. */
class DAdaptSgdTest {
    /** The spec's rule on double arrays, with d̂ in the pre-v3 form (‖s‖² − Σλ²‖g‖²)/‖s‖, which must agree. */
    static final class Reference implements ReferenceOptimizer {
        final DAdaptSgd.Settings p;
        final double lr;
        final double[] s = new double[N];
        double[] x0;
        double d;
        double g0;
        double weightedGradSq;
        double numerator;

        Reference(DAdaptSgd.Settings p, double lr) {
            this.p = p;
            this.lr = lr;
            this.d = p.d0();
        }

        @Override
        public Map<String, Double> scalars() {
            return Map.of("d", d, "N", numerator, "g0norm", g0);
        }

        @Override
        public void step(double[] x, double[] g) {
            if (x0 == null) {
                x0 = x.clone();
                double sq = 0;
                for (double v : g) {
                    sq += v * v;
                }
                g0 = Math.sqrt(sq);
            }
            double gsq = 0;
            double dot = 0;
            for (int i = 0; i < N; i++) {
                g[i] += p.weightDecay() * x[i];
                gsq += g[i] * g[i];
                dot += g[i] * s[i];
            }
            double lam = d * lr / g0;
            numerator += lam * dot;
            weightedGradSq += lam * lam * gsq;
            double sSq = 0;
            for (int i = 0; i < N; i++) {
                s[i] += lam * g[i];
                sSq += s[i] * s[i];
            }
            double sNorm = Math.sqrt(sSq);
            double dHatV3 = 2 * numerator / sNorm;
            double dHatPreV3 = (sSq - weightedGradSq) / sNorm;
            assertEquals(dHatPreV3, dHatV3, 1e-9 * Math.abs(dHatV3), "both forms of d-hat agree");
            d = Math.max(d, Math.min(dHatV3, d * p.growthRate()));
            for (int i = 0; i < N; i++) {
                x[i] = p.momentum() * x[i] + (1 - p.momentum()) * (x0[i] - s[i]);
            }
        }
    }

    static final List<DAdaptSgd.Settings> SETTINGS = List.of(
            new DAdaptSgd.Settings(0, 0, 0.2, Double.POSITIVE_INFINITY),
            new DAdaptSgd.Settings(0.5, 0.1, 0.2, 1.3),
            new DAdaptSgd.Settings(0.9, 0, 0.5, Double.POSITIVE_INFINITY));

    @Test
    void threeStepsMatchThePseudoCode() {
        for (DAdaptSgd.Settings p : SETTINGS) {
            TinyProblem.Trajectory t = TinyProblem.run(new DAdaptSgd(N, TinyProblem.lr(0.8), p), 1, 3);
            TinyProblem.assertFollows(new Reference(p, 0.8), t, 3, Map.of("d", 1e-5, "N", 1e-5, "g0norm", 1e-6),
                    p.toString());
            assertTrue(TinyProblem.moved(t.x().get(2)) > 1e-2, "the test must move x: " + p);
        }
    }

    @Test
    void dNeverDecreasesAndALossScaledByTenLeavesTheTrajectoryUnchanged() {
        DAdaptSgd.Settings p = new DAdaptSgd.Settings(0, 0, 1e-6, Double.POSITIVE_INFINITY);
        double d = TinyProblem.assertDNeverDecreasesAndScaleFree(() -> new DAdaptSgd(N, TinyProblem.lr(1), p),
                p.d0(), 40);
        assertTrue(d > 1e-2, "d adapted from 1e-6 to " + d);
    }

    @Test
    void aZeroFirstGradientIsSkippedUntilOneIsNonzero() {
        DAdaptSgd opt = new DAdaptSgd(N, TinyProblem.lr(1), new DAdaptSgd.Settings(0, 0, 0.1, Double.POSITIVE_INFINITY));
        var x = TinyProblem.floats(TinyProblem.X0);
        opt.step(x, TinyProblem.floats(new double[N]), 0, 0);
        assertEquals(0.0, opt.scalars().get("k"));
        assertClose(TinyProblem.X0, TinyProblem.doubles(x), 1e-7, "x unchanged");
        opt.step(x, TinyProblem.floats(TinyProblem.gradient(TinyProblem.X0, 1)), 1, 0);
        assertEquals(1.0, opt.scalars().get("k"));
    }
}

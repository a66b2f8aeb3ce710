package org.sparktrain.engine.optim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.engine.optim.TinyProblem.N;

/** D-Adaptation Adam against the spec's pseudo-code (§1 d), run independently in double precision. */
class DAdaptAdamTest {
    /** The spec's pseudo-code, literally, on double arrays. */
    static final class Reference implements ReferenceOptimizer {
        final DAdaptAdam.Settings p;
        final double lr;
        final double[] s = new double[N];
        final double[] m = new double[N];
        final double[] v = new double[N];
        double d;
        double numerator;
        int k;

        Reference(DAdaptAdam.Settings p, double lr) {
            this.p = p;
            this.lr = lr;
            this.d = p.d0();
        }

        @Override
        public Map<String, Double> scalars() {
            return Map.of("d", d, "N", numerator, "k", (double) k);
        }

        @Override
        public void step(double[] x, double[] g) {
            if (!p.decoupled() && p.weightDecay() != 0) {
                for (int i = 0; i < N; i++) {
                    g[i] += p.weightDecay() * x[i];
                }
            }
            double gam = d * lr * (p.biasCorrection()
                    ? Math.sqrt(1 - Math.pow(p.beta2(), k + 1)) / (1 - Math.pow(p.beta1(), k + 1)) : 1);
            double bt = Math.sqrt(p.beta2());
            double dN = 0;
            for (int i = 0; i < N; i++) {
                double den = Math.sqrt(v[i]) + p.eps();
                dN += s[i] == 0 ? 0 : gam * g[i] * s[i] / den;
            }
            double sum = 0;
            for (int i = 0; i < N; i++) {
                m[i] = p.beta1() * m[i] + (1 - p.beta1()) * gam * g[i];
                v[i] = p.beta2() * v[i] + (1 - p.beta2()) * g[i] * g[i];
                s[i] = bt * s[i] + (1 - bt) * gam * g[i];
                sum += Math.abs(s[i]);
            }
            if (sum == 0) {
                return;
            }
            numerator = bt * numerator + (1 - bt) * dN;
            d = Math.max(d, Math.min(numerator / ((1 - bt) * sum), d * p.growthRate()));
            for (int i = 0; i < N; i++) {
                if (p.decoupled() && p.weightDecay() != 0) {
                    x[i] -= p.weightDecay() * gam * x[i];
                }
                double den = Math.sqrt(v[i]) + p.eps();
                x[i] -= den == 0 ? 0 : m[i] / den;
            }
            k++;
        }
    }

    static final List<DAdaptAdam.Settings> SETTINGS = List.of(
            // defaults except a d0 large enough that the three steps move x visibly
            new DAdaptAdam.Settings(0.9, 0.999, 1e-8, 0, false, false, 0.05, Double.POSITIVE_INFINITY),
            new DAdaptAdam.Settings(0.9, 0.99, 1e-8, 0.1, false, true, 0.05, 1.5),
            new DAdaptAdam.Settings(0.8, 0.999, 1e-6, 0.05, true, false, 0.02, Double.POSITIVE_INFINITY));

    @Test
    void threeStepsMatchThePseudoCode() {
        for (DAdaptAdam.Settings p : SETTINGS) {
            for (double lr : new double[]{1.0, 0.5}) {
                TinyProblem.Trajectory t = TinyProblem.run(new DAdaptAdam(N, TinyProblem.lr(lr), p), 1, 3);
                Reference ref = new Reference(p, lr);
                TinyProblem.assertFollows(ref, t, 3, Map.of("d", 1e-5, "N", 1e-5, "k", 0.0), p + " lr " + lr);
                assertTrue(TinyProblem.moved(t.x().get(2)) > 1e-2, "the test must move x: " + p);
                assertTrue(ref.d > p.d0(), "d grew within three steps: " + p);
            }
        }
    }

    @Test
    void dNeverDecreasesAndALossScaledByTenLeavesTheTrajectoryUnchanged() {
        DAdaptAdam.Settings p = new DAdaptAdam.Settings(0.9, 0.999, 0, 0, false, false, 1e-6, Double.POSITIVE_INFINITY);
        double d = TinyProblem.assertDNeverDecreasesAndScaleFree(() -> new DAdaptAdam(N, TinyProblem.lr(1), p),
                p.d0(), 60);
        assertTrue(d > 1e-3, "d adapted from 1e-6 to " + d);
        TinyProblem.assertReferenceScaleFree(() -> new Reference(p, 1), 60);
    }
}

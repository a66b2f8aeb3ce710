package org.sparktrain.engine.optim;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.engine.optim.TinyProblem.N;
import static org.sparktrain.engine.optim.TinyProblem.assertClose;
import static org.sparktrain.engine.optim.TinyProblem.assertRelative;

/** D-Adaptation Adam against the spec's pseudo-code (§1 d), run independently in double precision. */
class DAdaptAdamTest {
    /** The spec's pseudo-code, literally, on double arrays. */
    static final class Reference {
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

        void step(double[] x, double[] g) {
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
                double[] x = TinyProblem.copy(TinyProblem.X0);
                for (int k = 0; k < 3; k++) {
                    ref.step(x, TinyProblem.gradient(x, 1));
                    String at = p + " lr " + lr + " step " + k;
                    assertClose(x, t.x().get(k), 2e-6, "x " + at);
                    assertRelative(ref.d, t.scalar(k, "d"), 1e-5, "d " + at);
                    assertRelative(ref.numerator, t.scalar(k, "N"), 1e-5, "N " + at);
                    assertRelative(ref.k, t.scalar(k, "k"), 0, "k " + at);
                }
                assertTrue(TinyProblem.moved(t.x().get(2)) > 1e-2, "the test must move x: " + p);
                assertTrue(ref.d > p.d0(), "d grew within three steps: " + p);
            }
        }
    }

    @Test
    void dNeverDecreasesAndALossScaledByTenLeavesTheTrajectoryUnchanged() {
        DAdaptAdam.Settings p = new DAdaptAdam.Settings(0.9, 0.999, 0, 0, false, false, 1e-6, Double.POSITIVE_INFINITY);
        TinyProblem.Trajectory one = TinyProblem.run(new DAdaptAdam(N, TinyProblem.lr(1), p), 1, 60);
        TinyProblem.Trajectory ten = TinyProblem.run(new DAdaptAdam(N, TinyProblem.lr(1), p), 10, 60);
        double previous = p.d0();
        for (int k = 0; k < 60; k++) {
            double d = one.scalar(k, "d");
            assertTrue(d >= previous, "d decreased at step " + k + ": " + previous + " -> " + d);
            previous = d;
            // float rounding of 10·g differs from g's; a rule that is not scale-free would differ by O(1)
            assertRelative(d, ten.scalar(k, "d"), 1e-4, "d with loss x10 at step " + k);
            assertClose(one.x().get(k), ten.x().get(k), 1e-4, "x with loss x10 at step " + k);
        }
        assertTrue(previous > 1e-3, "d adapted from 1e-6 to " + previous);
        // in exact arithmetic the invariance holds to round-off
        Reference r1 = new Reference(p, 1);
        Reference r10 = new Reference(p, 1);
        double[] x1 = TinyProblem.copy(TinyProblem.X0);
        double[] x10 = TinyProblem.copy(TinyProblem.X0);
        for (int k = 0; k < 60; k++) {
            r1.step(x1, TinyProblem.gradient(x1, 1));
            r10.step(x10, TinyProblem.gradient(x10, 10));
            assertClose(x1, x10, 1e-9, "reference x with loss x10 at step " + k);
            assertRelative(r1.d, r10.d, 1e-9, "reference d with loss x10 at step " + k);
        }
    }
}

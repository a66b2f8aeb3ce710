package org.sparktrain.engine.optim;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.engine.optim.TinyProblem.N;
import static org.sparktrain.engine.optim.TinyProblem.assertClose;

/**
 * Schedule-Free SGD and AdamW against the spec's three-sequence pseudo-code (§3 d) and against the reference's
 * memory-efficient form (§3 b), both run independently in double precision; and the train/eval switch.
 */
class ScheduleFreeTest {
    /** Settings of one run: adam = AdamW (else SGD). */
    record Case(boolean adam, double lr, double beta, double beta2, double eps, double wd, int warmup, double r,
                double power) {
        FlatOptimizer production() {
            return adam ? new ScheduleFreeAdamW(N, lr, beta, beta2, eps, wd, warmup, r, power)
                    : new ScheduleFreeSgd(N, lr, beta, wd, warmup, r, power);
        }
    }

    static final Case[] CASES = {
            new Case(false, 0.3, 0.9, 0, 0, 0, 0, 0, 2),
            new Case(false, 0.2, 0.8, 0, 0, 0.1, 2, 0.5, 1),
            new Case(true, 0.05, 0.9, 0.999, 1e-8, 0, 0, 0, 2),
            new Case(true, 0.05, 0.9, 0.99, 1e-6, 0.05, 3, 0.75, 2)};

    /**
     * What both forms of the pseudo-code share: z, AdamW's second moment v, the step count and the schedule
     * γ_k = lr · min(1, (k+1)/warmup), lr_max = max γ, c_k = w_k / Σ_{i≤k} w_i with w_k = (k+1)^r · lr_max^power.
     */
    abstract static class Form {
        final Case c;
        double[] z;
        final double[] v = new double[N];
        double wsum;
        double lrMax;
        int k;

        Form(Case c, double[] y) {
            this.c = c;
            z = y.clone();
        }

        /** One step on the parameters y with gradient g. */
        final void step(double[] y, double[] g) {
            double gam = c.lr() * (k < c.warmup() ? (k + 1.0) / c.warmup() : 1);
            lrMax = Math.max(lrMax, gam);
            double w = Math.pow(k + 1, c.r()) * Math.pow(lrMax, c.power());
            wsum += w;
            double ck = w / wsum;
            for (int i = 0; i < N; i++) {
                update(i, y, g, gam, ck);
            }
            k++;
        }

        /** The form's update of entry i at step k. */
        abstract void update(int i, double[] y, double[] g, double gam, double ck);
    }

    /** The spec's pseudo-code: x, z stored, y in the parameters. */
    static final class ThreeSequences extends Form {
        double[] x;

        ThreeSequences(Case c, double[] y) {
            super(c, y);
            x = y.clone();
        }

        @Override
        void update(int i, double[] y, double[] g, double gam, double ck) {
            double u;
            if (c.adam()) {
                v[i] = c.beta2() * v[i] + (1 - c.beta2()) * g[i] * g[i];
                u = g[i] / (Math.sqrt(v[i] / (1 - Math.pow(c.beta2(), k + 1))) + c.eps()) + c.wd() * y[i];
            } else {
                u = g[i] + c.wd() * y[i];
            }
            z[i] -= gam * u;
            x[i] = (1 - ck) * x[i] + ck * z[i];
            y[i] = c.beta() * x[i] + (1 - c.beta()) * z[i];
        }
    }

    /** The reference's memory-efficient form: only y (the parameters) and z; x is implicit. */
    static final class MemoryEfficient extends Form {
        MemoryEfficient(Case c, double[] y) {
            super(c, y);
        }

        @Override
        void update(int i, double[] y, double[] g, double gam, double ck) {
            double u = c.adam()
                    ? g[i] / (Math.sqrt((v[i] = c.beta2() * v[i] + (1 - c.beta2()) * g[i] * g[i])
                    / (1 - Math.pow(c.beta2(), k + 1))) + c.eps()) : g[i];
            u += c.wd() * y[i];
            y[i] = (1 - ck) * y[i] + ck * z[i] - gam * (1 - c.beta() * (1 - ck)) * u;
            z[i] -= gam * u;
        }

        /** eval(): y + (1 − 1/β)(z − y), which is x. */
        double[] eval(double[] y) {
            return evalPoint(y, z, c.beta());
        }
    }

    static double[] evalPoint(double[] y, double[] z, double beta) {
        double[] x = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            x[i] = y[i] + (1 - 1 / beta) * (z[i] - y[i]);
        }
        return x;
    }

    static double[] trainPoint(double[] x, double[] z, double beta) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] + (1 - beta) * (z[i] - x[i]);
        }
        return y;
    }

    @Test
    void productionMatchesTheThreeSequencePseudoCodeStepByStep() {
        for (Case c : CASES) {
            TinyProblem.Trajectory t = TinyProblem.run(c.production(), 1, 5);
            double[] y = TinyProblem.copy(TinyProblem.X0);
            ThreeSequences ref = new ThreeSequences(c, y);
            for (int k = 0; k < 5; k++) {
                ref.step(y, TinyProblem.gradient(y, 1));
                assertClose(y, t.x().get(k), 2e-6, "y (parameters) " + c + " step " + k);
                assertClose(ref.x, t.eval().get(k), 2e-6, "x (evaluation point) " + c + " step " + k);
                assertClose(new double[]{ref.k, ref.wsum, ref.lrMax}, new double[]{t.scalar(k, "k"),
                        t.scalar(k, "wsum"), t.scalar(k, "lrMax")}, 1e-12, "k, wsum, lrMax " + c + " step " + k);
            }
            assertTrue(TinyProblem.moved(t.x().get(4)) > 1e-2, "the test must move y: " + c);
            assertTrue(!Arrays.equals(t.x().get(4), t.eval().get(4)), "x and y differ");
        }
    }

    @Test
    void theMemoryEfficientFormEqualsTheThreeSequenceForm() {
        for (Case c : CASES) {
            double[] y3 = TinyProblem.copy(TinyProblem.X0);
            double[] yMe = TinyProblem.copy(TinyProblem.X0);
            ThreeSequences three = new ThreeSequences(c, y3);
            MemoryEfficient me = new MemoryEfficient(c, yMe);
            for (int k = 0; k < 20; k++) {
                three.step(y3, TinyProblem.gradient(y3, 1));
                me.step(yMe, TinyProblem.gradient(yMe, 1));
                assertClose(y3, yMe, 1e-12, "y " + c + " step " + k);
                assertClose(three.z, me.z, 1e-12, "z " + c + " step " + k);
                assertClose(three.x, me.eval(yMe), 1e-11, "x " + c + " step " + k);
            }
        }
    }

    @Test
    void trainEvalTrainReturnsYAndEvalGivesTheProductionEvaluationPoint() {
        for (Case c : CASES) {
            FlatOptimizer opt = c.production();
            TinyProblem.Trajectory t = TinyProblem.run(opt, 1, 4);
            double[] y = t.x().get(3);
            float[] state = opt.state();
            double[] z = new double[N];
            for (int i = 0; i < N; i++) {
                z[i] = state[i]; // layout: vectors [z, x, (v)] first
            }
            double[] x = evalPoint(y, z, c.beta());
            assertClose(t.eval().get(3), x, 2e-6, "eval() of (y, z) is the stored x " + c);
            assertClose(y, trainPoint(x, z, c.beta()), 1e-12, "train() after eval() returns y " + c);
        }
    }

    @Test
    void beforeTheFirstStepTheEvaluationPointIsTheParameters() {
        FlatOptimizer opt = CASES[2].production();
        var params = TinyProblem.floats(TinyProblem.X0);
        assertTrue(opt.evalParams(params) == params);
    }
}

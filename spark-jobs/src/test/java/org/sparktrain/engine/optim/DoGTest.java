package org.sparktrain.engine.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.engine.optim.TinyProblem.N;
import static org.sparktrain.engine.optim.TinyProblem.assertClose;
import static org.sparktrain.engine.optim.TinyProblem.assertRelative;

/** DoG and L-DoG against the spec's pseudo-code (§4 d), run independently in double precision. */
class DoGTest {
    /** The spec's pseudo-code on double arrays; blocks[i] = {from, to} (one block = DoG). */
    static final class Reference {
        final DoG.Settings p;
        final double lr;
        final int[][] blocks;
        final double[] rbar;
        final double[] sumSq;
        double[] x0;
        double[] xbar;
        int k;

        Reference(DoG.Settings p, double lr, int[][] blocks) {
            this.p = p;
            this.lr = lr;
            this.blocks = blocks;
            rbar = new double[blocks.length];
            sumSq = new double[blocks.length];
        }

        void step(double[] x, double[] g) {
            for (int i = 0; i < N; i++) {
                g[i] += p.weightDecay() * x[i];
            }
            double[] eta = new double[blocks.length];
            for (int b = 0; b < blocks.length; b++) {
                double gg = 0;
                double dist = 0;
                double norm = 0;
                for (int i = blocks[b][0]; i < blocks[b][1]; i++) {
                    gg += g[i] * g[i];
                    norm += x[i] * x[i];
                    dist += k == 0 ? 0 : (x[i] - x0[i]) * (x[i] - x0[i]);
                }
                if (k == 0) {
                    rbar[b] = p.initEta() != null ? 0 : p.repsRel() * (1 + Math.sqrt(norm));
                    sumSq[b] = gg + p.eps();
                } else {
                    rbar[b] = Math.max(rbar[b], Math.sqrt(dist));
                    sumSq[b] += gg;
                }
                eta[b] = k == 0 && p.initEta() != null ? p.initEta() : lr * rbar[b] / Math.sqrt(sumSq[b]);
            }
            if (k == 0) {
                x0 = x.clone();
            }
            for (int b = 0; b < blocks.length; b++) {
                for (int i = blocks[b][0]; i < blocks[b][1]; i++) {
                    x[i] -= eta[b] * g[i];
                }
            }
            k++;
            double a = (p.averagingGamma() + 1) / (k + p.averagingGamma());
            if (k == 1) {
                xbar = x.clone();
            } else {
                for (int i = 0; i < N; i++) {
                    xbar[i] = (1 - a) * xbar[i] + a * x[i];
                }
            }
        }
    }

    static final int[][] ONE = {{0, 4}};
    static final int[][] TWO = {{0, 2}, {2, 4}};

    static DoG production(DoG.Settings p, double lr, boolean layerwise) {
        return layerwise ? DoG.layerwise(TinyProblem.lr(lr), p, TinyProblem.TWO_TENSORS)
                : DoG.global(N, TinyProblem.lr(lr), p);
    }

    @Test
    void dogAndLdogMatchThePseudoCodeStepByStep() {
        DoG.Settings[] settings = {
                new DoG.Settings(0.05, 1e-8, 0, null, 8),
                new DoG.Settings(0.1, 1e-4, 0.1, null, 2),
                new DoG.Settings(1e-6, 1e-8, 0, 0.1, 8)};
        for (DoG.Settings p : settings) {
            for (boolean layerwise : new boolean[]{false, true}) {
                TinyProblem.Trajectory t = TinyProblem.run(production(p, 0.9, layerwise), 1, 4);
                Reference ref = new Reference(p, 0.9, layerwise ? TWO : ONE);
                double[] x = TinyProblem.copy(TinyProblem.X0);
                for (int k = 0; k < 4; k++) {
                    ref.step(x, TinyProblem.gradient(x, 1));
                    String at = p + (layerwise ? " L-DoG" : " DoG") + " step " + k;
                    assertClose(x, t.x().get(k), 2e-6, "x " + at);
                    assertClose(ref.xbar, t.eval().get(k), 2e-6, "xbar " + at);
                    for (int b = 0; b < ref.rbar.length; b++) {
                        String suffix = layerwise ? "[" + b + "]" : "";
                        assertRelative(ref.rbar[b], t.scalar(k, "rbar" + suffix), 1e-5, "rbar" + suffix + " " + at);
                        assertRelative(ref.sumSq[b], t.scalar(k, "G" + suffix), 1e-5, "G" + suffix + " " + at);
                    }
                }
                assertTrue(TinyProblem.moved(t.x().get(3)) > 1e-3, "the test must move x: " + p);
            }
        }
    }

    @Test
    void theFirstStepSizeIsRepsRelTimesOnePlusNormX0OverRootOfG0() {
        DoG.Settings p = new DoG.Settings(1e-3, 1e-8, 0, null, 8);
        double[] g0 = TinyProblem.gradient(TinyProblem.X0, 1);
        double x0Norm = Math.sqrt(sq(TinyProblem.X0, 0, N));
        double eta0 = 1e-3 * (1 + x0Norm) / Math.sqrt(sq(g0, 0, N) + 1e-8);
        double[] x1 = TinyProblem.run(production(p, 1, false), 1, 1).x().get(0);
        for (int i = 0; i < N; i++) {
            assertEquals(TinyProblem.X0[i] - eta0 * g0[i], x1[i], 1e-7, "DoG x1[" + i + "]");
        }
        // L-DoG: the same formula within each tensor
        double[] l1 = TinyProblem.run(production(p, 1, true), 1, 1).x().get(0);
        for (int[] b : TWO) {
            double eta = 1e-3 * (1 + Math.sqrt(sq(TinyProblem.X0, b[0], b[1]))) / Math.sqrt(sq(g0, b[0], b[1]) + 1e-8);
            for (int i = b[0]; i < b[1]; i++) {
                assertEquals(TinyProblem.X0[i] - eta * g0[i], l1[i], 1e-7, "L-DoG x1[" + i + "]");
            }
        }
    }

    @Test
    void aLossScaledByTenLeavesTheTrajectoryUnchanged() {
        DoG.Settings p = new DoG.Settings(1e-4, 0, 0, null, 8);
        for (boolean layerwise : new boolean[]{false, true}) {
            TinyProblem.Trajectory one = TinyProblem.run(production(p, 1, layerwise), 1, 60);
            TinyProblem.Trajectory ten = TinyProblem.run(production(p, 1, layerwise), 10, 60);
            for (int k = 0; k < 60; k++) {
                assertClose(one.x().get(k), ten.x().get(k), 1e-4, "x with loss x10 at step " + k);
                assertClose(one.eval().get(k), ten.eval().get(k), 1e-4, "xbar with loss x10 at step " + k);
            }
            assertTrue(TinyProblem.moved(one.x().get(59)) > 0.5, "DoG moved from r_eps to the problem's scale");
        }
    }

    static double sq(double[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += a[i] * a[i];
        }
        return s;
    }
}

package org.sparktrain.zoo.grownet;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finite-difference checks (double precision) of the hand-written GrowNet passes, including BatchNorm. */
class GrowNetGradientTest {
    private static final int D = 3;
    private static final int H = 4;
    private static final int B = 7;

    @Test
    void stageObjectiveGradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(1);
        WeakLearner w = perturbed(WeakLearner.create(D, H, true, 11), rng);
        double[] start = w.params().clone();
        double[] x = gaussian(B, D, rng);
        double[] phi = gaussian(B, H, rng);
        double[] t = vector(B, rng);
        double[] h = new double[B];
        for (int i = 0; i < B; i++) {
            h[i] = 0.1 + rng.nextDouble();
        }
        double alpha = 0.8;
        ObjectiveResult r = StageObjective.compute(w, alpha, x, phi, B, t, h, Reducer.LOCAL);
        checkGradient(start, r.gradient(),
                p -> {
                    System.arraycopy(p, 0, w.params(), 0, p.length);
                    return StageObjective.compute(w, alpha, x, phi, B, t, h, Reducer.LOCAL).lossSum();
                });
    }

    @Test
    void correctiveObjectiveGradientMatchesFiniteDifferencesForAllTasks() {
        for (GrowNetTask task : GrowNetTask.values()) {
            SplittableRandom rng = new SplittableRandom(2);
            GrowNetModel m = model(task, 3, rng);
            double[] x = gaussian(B, D, rng);
            double[] y = labels(task, B, rng);
            int[] starts = task == GrowNetTask.RANKING ? new int[]{0, 3, B} : null; // queries of 3 and 4 rows
            ObjectiveResult r = CorrectiveObjective.compute(m, x, y, B, starts, true, Reducer.LOCAL);
            double[] flat = m.flatParams();
            checkGradient(flat, r.gradient(), p -> {
                m.setFlatParams(p);
                return CorrectiveObjective.compute(m, x, y, B, starts, true, Reducer.LOCAL).lossSum();
            });
            // a constant boost rate gets no gradient
            assertEquals(0.0, CorrectiveObjective.compute(m, x, y, B, starts, false, Reducer.LOCAL)
                    .gradient()[flat.length - 1]);
        }
    }

    @Test
    void twoWorkersWithSynchronisedBatchNormEqualOneWorkerOnTheWholeBatch() throws Exception {
        SplittableRandom rng = new SplittableRandom(3);
        GrowNetModel m = model(GrowNetTask.BINARY, 3, rng);
        double[] x = gaussian(8, D, rng);
        double[] y = labels(GrowNetTask.BINARY, 8, rng);
        ObjectiveResult whole = CorrectiveObjective.compute(m, x, y, 8, true, Reducer.LOCAL);

        TwoWorkerReducer reducer = new TwoWorkerReducer();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<ObjectiveResult>> parts = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int from = w * 3;
                int to = w == 0 ? 3 : 8; // unequal halves: 3 and 5 rows
                int worker = w;
                GrowNetModel replica = m.copy();
                parts.add(pool.submit(() -> CorrectiveObjective.compute(replica,
                        java.util.Arrays.copyOfRange(x, from * D, to * D),
                        java.util.Arrays.copyOfRange(y, from, to), to - from, true, reducer.of(worker))));
            }
            ObjectiveResult a = parts.get(0).get();
            ObjectiveResult b = parts.get(1).get();
            assertEquals(whole.lossSum(), a.lossSum() + b.lossSum(), 1e-12);
            double[] sum = new double[whole.gradient().length];
            for (int i = 0; i < sum.length; i++) {
                sum[i] = a.gradient()[i] + b.gradient()[i];
            }
            assertArrayEquals(whole.gradient(), sum, 1e-10);
            assertEquals(8.0, a.globalRows());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void evalModeWithConvergedRunningStatisticsMatchesTrainModeOnTheSameBatch() {
        // running statistics driven to the batch's own mean and variance: eval-mode outputs of a stacked ensemble
        // must then equal the train-mode outputs up to the unbiased/biased variance factor N/(N-1)
        SplittableRandom rng = new SplittableRandom(5);
        int n = 4000;
        GrowNetModel m = model(GrowNetTask.REGRESSION, 3, rng);
        double[] x = gaussian(n, D, rng);
        double[] phi = null;
        double[] trainF = new double[n];
        for (int k = 0; k < 3; k++) {
            WeakLearner w = m.learner(k);
            WeakLearner.Pass p = w.forwardTrain(x, phi, n, Reducer.LOCAL);
            for (int it = 0; it < 400; it++) {
                w.updateRunning(p.batchNormSums(), 0, n);
            }
            phi = p.phi();
            for (int i = 0; i < n; i++) {
                trainF[i] += p.f()[i];
            }
        }
        double[] evalF = m.evaluate(x, n).f();
        for (int i = 0; i < n; i++) {
            double expected = m.initialScore() + m.boostRate() * trainF[i];
            assertEquals(expected, evalF[i], 2e-3 * (1 + Math.abs(expected)), "row " + i);
        }
    }

    @Test
    void runningStatisticsFollowPyTorchMomentum() {
        double[] running = {0, 1, 1, 1}; // means then variances
        // column 0: values 1, 3 (mean 2, biased var 1, unbiased 2); column 1: values 0, 0
        double[] sums = {4, 0, 10, 0};
        BatchNorm.updateRunning(running, 0, 2, 2, sums, 0, 2);
        assertArrayEquals(new double[]{0.2, 0.9, 0.9 + 0.2, 0.9}, running, 1e-15);
    }

    @Test
    void modelRoundTripsThroughItsBinaryFormat() throws Exception {
        SplittableRandom rng = new SplittableRandom(4);
        GrowNetModel m = model(GrowNetTask.REGRESSION, 2, rng);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        m.write(out);
        GrowNetModel back = GrowNetModel.read(new java.io.ByteArrayInputStream(out.toByteArray()), "test");
        float[] row = {0.3f, -1f, 2f};
        assertEquals(m.score(row), back.score(row), 0);
        assertArrayEquals(m.flatParams(), back.flatParams(), 0);
        // eval mode by hand for a one-learner model: check F = c0 + alpha f_1 against an independent computation
        GrowNetModel one = m.prefix(1);
        assertEquals(handScore(one, row), one.score(row), 1e-12);
    }

    /** Independent eval-mode computation of a one-learner model with plain Java loops. */
    private static double handScore(GrowNetModel m, float[] raw) {
        WeakLearner w = m.learner(0);
        double[] p = w.params();
        double[] r = w.running();
        int d = m.inputs();
        double[] x = new double[d];
        double[] mean = new double[d];
        double[] scale = new double[d];
        java.util.Arrays.fill(scale, 1);
        for (int j = 0; j < d; j++) {
            x[j] = (raw[j] - mean[j]) / scale[j];
        }
        int oB1 = d * H;
        int oG1 = oB1 + H;
        int oBe1 = oG1 + H;
        int oW2 = oBe1 + H;
        int oB2 = oW2 + H * H;
        int oWo = oB2 + H;
        int oBo = oWo + H;
        double[] a = new double[H];
        for (int k = 0; k < H; k++) {
            double u = p[oB1 + k];
            for (int j = 0; j < d; j++) {
                u += x[j] * p[j * H + k];
            }
            double l = u > 0 ? u : 0.1 * u;
            a[k] = (l - r[k]) / Math.sqrt(r[H + k] + 1e-5) * p[oG1 + k] + p[oBe1 + k];
        }
        double f = p[oBo];
        for (int k = 0; k < H; k++) {
            double phi = p[oB2 + k];
            for (int j = 0; j < H; j++) {
                phi += a[j] * p[oW2 + j * H + k];
            }
            f += Math.max(0, phi) * p[oWo + k];
        }
        return m.initialScore() + m.boostRate() * f;
    }

    private static void checkGradient(double[] params, double[] analytic, ToDoubleFunction<double[]> loss) {
        double eps = 1e-6;
        double maxRel = 0;
        for (int i = 0; i < params.length; i++) {
            double saved = params[i];
            double[] plus = params.clone();
            plus[i] = saved + eps;
            double lp = loss.applyAsDouble(plus);
            double[] minus = params.clone();
            minus[i] = saved - eps;
            double lm = loss.applyAsDouble(minus);
            loss.applyAsDouble(params); // restore state for objectives that write through
            double fd = (lp - lm) / (2 * eps);
            double rel = Math.abs(fd - analytic[i]) / Math.max(1e-3, Math.abs(fd) + Math.abs(analytic[i]));
            maxRel = Math.max(maxRel, rel);
            assertTrue(rel < 1e-5, "parameter " + i + ": finite difference " + fd + " vs analytic " + analytic[i]);
        }
        assertTrue(maxRel < 1e-5);
    }

    private static GrowNetModel model(GrowNetTask task, int k, SplittableRandom rng) {
        return randomModel(task, k, 100, 0.3, rng);
    }

    /**
     * A GrowNet of k perturbed learners (D = 3 inputs, H = 4 hidden; learner i seeded seedBase + i), identity feature
     * scaling, initial score c0, shrinkage 0.9; shared with {@link GrowNetRecordWeightsTest}.
     */
    static GrowNetModel randomModel(GrowNetTask task, int k, int seedBase, double c0, SplittableRandom rng) {
        List<WeakLearner> learners = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            learners.add(perturbed(WeakLearner.create(D, H, i > 0, seedBase + i), rng));
        }
        double[] zeros = new double[D];
        double[] ones = new double[D];
        java.util.Arrays.fill(ones, 1);
        return new GrowNetModel(task, D, H, zeros, ones, c0, 0.9, learners);
    }

    /** Random γ, β and running statistics away from their initial values, so every term is exercised. */
    static WeakLearner perturbed(WeakLearner w, SplittableRandom rng) {
        double[] p = w.params();
        for (int i = 0; i < p.length; i++) {
            p[i] += 0.3 * (rng.nextDouble() - 0.5);
        }
        double[] r = w.running();
        for (int i = 0; i < r.length; i++) {
            r[i] = 0.5 + rng.nextDouble();
        }
        return w;
    }

    private static double[] gaussian(int rows, int cols, SplittableRandom rng) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble() * 2 - 1;
        }
        return v;
    }

    private static double[] vector(int n, SplittableRandom rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextDouble() * 2 - 1;
        }
        return v;
    }

    private static double[] labels(GrowNetTask task, int n, SplittableRandom rng) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = task == GrowNetTask.BINARY ? (i % 2 == 0 ? 1 : -1)
                    : task == GrowNetTask.RANKING ? rng.nextInt(3) : rng.nextDouble();
        }
        return y;
    }

    /** Two threads summing their vectors through a barrier, like two engine workers. */
    private static final class TwoWorkerReducer {
        private final CyclicBarrier barrier = new CyclicBarrier(2);
        private final double[][] slots = new double[2][];

        Reducer of(int worker) {
            return local -> {
                try {
                    slots[worker] = local.clone();
                    barrier.await();
                    double[] out = new double[local.length];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = slots[0][i] + slots[1][i];
                    }
                    barrier.await();
                    return out;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
        }
    }
}

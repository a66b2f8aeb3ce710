package org.sparktrain.zoo.grownet;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Record weights c_i in GrowNet's passes (docs/selection.md): an integer weight equals the row repeated that many
 * times (stage objective, corrective step, BatchNorm batch and running statistics, initial score), weights all 1
 * equal the unweighted pass bit for bit, and the weighted gradients match finite differences.
 */
class GrowNetRecordWeightsTest {
    private static final int D = 3;
    private static final int H = 4;
    private static final int B = 6;
    private static final double[] C = {1, 2, 1, 3, 2, 1};

    @Test
    void weightedStageObjectiveEqualsDuplicatedRows() {
        SplittableRandom rng = new SplittableRandom(5);
        WeakLearner w = perturbed(WeakLearner.create(D, H, true, 21), rng);
        double[] x = uniform(B * D, rng);
        double[] phi = uniform(B * H, rng);
        double[] t = uniform(B, rng);
        double[] h = positive(B, rng);
        ObjectiveResult weighted = StageObjective.compute(w, 0.7, x, phi, B, t, h, Reducer.LOCAL, C);
        int n = total(C);
        ObjectiveResult repeated = StageObjective.compute(w, 0.7, repeat(x, D), repeat(phi, H), n, repeat(t, 1),
                repeat(h, 1), Reducer.LOCAL);
        assertEquals(repeated.lossSum(), weighted.lossSum(), 1e-12 * Math.abs(repeated.lossSum()));
        assertArrayEquals(repeated.gradient(), weighted.gradient(), 1e-11);
        assertArrayEquals(repeated.batchNormSums(), weighted.batchNormSums(), 1e-11);
        assertEquals(10.0, weighted.globalRows()); // C = Σ c_i = 10 rows after repetition
        assertEquals(repeated.globalRows(), weighted.globalRows());
    }

    @Test
    void weightedCorrectiveStepEqualsDuplicatedRowsForBothPointwiseTasks() {
        for (GrowNetTask task : List.of(GrowNetTask.REGRESSION, GrowNetTask.BINARY)) {
            SplittableRandom rng = new SplittableRandom(6);
            GrowNetModel m = model(task, 3, rng);
            double[] x = uniform(B * D, rng);
            double[] y = labels(task, rng);
            ObjectiveResult weighted = CorrectiveObjective.compute(m, x, y, B, null, true, Reducer.LOCAL, C);
            ObjectiveResult repeated = CorrectiveObjective.compute(m, repeat(x, D), repeat(y, 1), total(C), true,
                    Reducer.LOCAL);
            assertEquals(repeated.lossSum(), weighted.lossSum(), 1e-12 * Math.abs(repeated.lossSum()), task.name());
            assertArrayEquals(repeated.gradient(), weighted.gradient(), 1e-11, task.name());
            assertArrayEquals(repeated.batchNormSums(), weighted.batchNormSums(), 1e-11, task.name());
            // the running statistics updated from those sums (N = C = 10, unbiased factor 10/9) are the same too
            GrowNetModel a = m.copy();
            GrowNetModel b = m.copy();
            updateAll(a, weighted);
            updateAll(b, repeated);
            assertArrayEquals(b.flatRunning(), a.flatRunning(), 1e-13, task.name());
        }
    }

    @Test
    void weightsAllOneAreTheUnweightedPassBitForBit() {
        SplittableRandom rng = new SplittableRandom(7);
        GrowNetModel m = model(GrowNetTask.BINARY, 2, rng);
        double[] x = uniform(B * D, rng);
        double[] y = labels(GrowNetTask.BINARY, rng);
        double[] ones = new double[B];
        java.util.Arrays.fill(ones, 1.0);
        ObjectiveResult plain = CorrectiveObjective.compute(m, x, y, B, null, true, Reducer.LOCAL);
        ObjectiveResult weighted = CorrectiveObjective.compute(m, x, y, B, null, true, Reducer.LOCAL, ones);
        assertEquals(plain.lossSum(), weighted.lossSum(), 0.0);
        assertArrayEquals(plain.gradient(), weighted.gradient(), 0.0);
        assertArrayEquals(plain.batchNormSums(), weighted.batchNormSums(), 0.0);
        WeakLearner w = m.learner(1);
        double[] phi = uniform(B * H, rng);
        double[] t = uniform(B, rng);
        double[] h = positive(B, rng);
        ObjectiveResult s0 = StageObjective.compute(w, 0.5, x, phi, B, t, h, Reducer.LOCAL);
        ObjectiveResult s1 = StageObjective.compute(w, 0.5, x, phi, B, t, h, Reducer.LOCAL, ones);
        assertEquals(s0.lossSum(), s1.lossSum(), 0.0);
        assertArrayEquals(s0.gradient(), s1.gradient(), 0.0);
    }

    @Test
    void weightedGradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(8);
        double[] c = {0.25, 1.7, 0.0, 3.2, 0.9, 1.1}; // fractional, one zero
        WeakLearner w = perturbed(WeakLearner.create(D, H, true, 31), rng);
        double[] x = uniform(B * D, rng);
        double[] phi = uniform(B * H, rng);
        double[] t = uniform(B, rng);
        double[] h = positive(B, rng);
        double[] start = w.params().clone();
        ObjectiveResult r = StageObjective.compute(w, 0.8, x, phi, B, t, h, Reducer.LOCAL, c);
        checkGradient(start, r.gradient(), p -> {
            System.arraycopy(p, 0, w.params(), 0, p.length);
            return StageObjective.compute(w, 0.8, x, phi, B, t, h, Reducer.LOCAL, c).lossSum();
        });
        GrowNetModel m = model(GrowNetTask.BINARY, 3, rng);
        double[] y = labels(GrowNetTask.BINARY, rng);
        ObjectiveResult cr = CorrectiveObjective.compute(m, x, y, B, null, true, Reducer.LOCAL, c);
        checkGradient(m.flatParams(), cr.gradient(), p -> {
            m.setFlatParams(p);
            return CorrectiveObjective.compute(m, x, y, B, null, true, Reducer.LOCAL, c).lossSum();
        });
    }

    @Test
    void weightedInitialScoreIsTheWeightedMeanAndLogOdds() {
        // regression: labels 1, 4, 10 with weights 2, 1, 3 -> (2 + 4 + 30) / 6 = 6
        assertEquals(6.0, GrowNetTask.REGRESSION.initialScore(2 * 1 + 4 + 3 * 10, 6.0), 1e-15);
        // binary: +1 weight 2.5, -1 weight 1, +1 weight 0.5 -> log(3 / 1)
        double sum = 2.5 - 1 + 0.5;
        assertEquals(Math.log(3.0), GrowNetTask.BINARY.initialScore(sum, 4.0), 1e-15);
        // integer weights equal the repeated rows' count form
        assertEquals(GrowNetTask.BINARY.initialScore(2.0, 6L), GrowNetTask.BINARY.initialScore(2.0, 6.0), 0.0);
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> GrowNetTask.BINARY.initialScore(2.5, 2.5));
        assertTrue(e.getMessage().contains("(weighted)"), e.getMessage());
    }

    @Test
    void rankingTakesNoRecordWeights() {
        SplittableRandom rng = new SplittableRandom(9);
        GrowNetModel m = model(GrowNetTask.RANKING, 1, rng);
        Exception e = assertThrows(IllegalArgumentException.class, () -> CorrectiveObjective.compute(m,
                uniform(B * D, rng), new double[B], B, new int[]{0, 3, B}, true, Reducer.LOCAL, C));
        assertTrue(e.getMessage().contains("no record weights"), e.getMessage());
    }

    private static void updateAll(GrowNetModel m, ObjectiveResult r) {
        int o = 0;
        for (int k = 0; k < m.numLearners(); k++) {
            m.learner(k).updateRunning(r.batchNormSums(), o, r.globalRows());
            o += m.learner(k).batchNormSumsLength();
        }
    }

    private static int total(double[] c) {
        int n = 0;
        for (double v : c) {
            n += (int) v;
        }
        return n;
    }

    /** Rows of width {@code width} each repeated C[i] times, in order. */
    private static double[] repeat(double[] v, int width) {
        double[] out = new double[total(C) * width];
        int o = 0;
        for (int i = 0; i < C.length; i++) {
            for (int r = 0; r < (int) C[i]; r++) {
                System.arraycopy(v, i * width, out, o, width);
                o += width;
            }
        }
        return out;
    }

    private static void checkGradient(double[] params, double[] analytic,
                                      java.util.function.ToDoubleFunction<double[]> loss) {
        double eps = 1e-6;
        for (int i = 0; i < params.length; i++) {
            double[] plus = params.clone();
            plus[i] += eps;
            double[] minus = params.clone();
            minus[i] -= eps;
            double fd = (loss.applyAsDouble(plus) - loss.applyAsDouble(minus)) / (2 * eps);
            loss.applyAsDouble(params);
            double rel = Math.abs(fd - analytic[i]) / Math.max(1e-3, Math.abs(fd) + Math.abs(analytic[i]));
            assertTrue(rel < 1e-5, "parameter " + i + ": finite difference " + fd + " vs analytic " + analytic[i]);
        }
    }

    private static GrowNetModel model(GrowNetTask task, int k, SplittableRandom rng) {
        return GrowNetGradientTest.randomModel(task, k, 200, 0.2, rng);
    }

    private static WeakLearner perturbed(WeakLearner w, SplittableRandom rng) {
        return GrowNetGradientTest.perturbed(w, rng);
    }

    private static double[] uniform(int n, SplittableRandom rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextDouble() * 2 - 1;
        }
        return v;
    }

    private static double[] positive(int n, SplittableRandom rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.1 + rng.nextDouble();
        }
        return v;
    }

    private static double[] labels(GrowNetTask task, SplittableRandom rng) {
        double[] y = new double[B];
        for (int i = 0; i < B; i++) {
            y[i] = task == GrowNetTask.BINARY ? (i % 3 == 0 ? -1 : 1) : rng.nextDouble();
        }
        return y;
    }
}

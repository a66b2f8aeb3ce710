package org.sparktrain.jobs.grownet;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.optim.FlatOptimizer;
import org.sparktrain.engine.optim.TensorLayout;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.zoo.grownet.GrowNetModel;
import org.sparktrain.zoo.grownet.GrowNetTask;
import org.sparktrain.zoo.grownet.ObjectiveResult;
import org.sparktrain.zoo.grownet.Reducer;
import org.sparktrain.zoo.grownet.StageObjective;
import org.sparktrain.zoo.grownet.WeakLearner;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One engine worker equals a single-machine replay of the stage fit (same data, targets, optimizer, L2): with
 * ND4J's Adam, and with Schedule-Free AdamW at its defaults, where the learner GrowNet keeps must be the averaged
 * iterate x, not the training point y (so the configured optimizer reaches the stage fit, evaluation point included);
 * and with Prodigy, whose final step-size estimate d (what GrowNet carries to the next stage) must equal the replay's.
 */
@ExtendWith(SharedSpark.class)
class GrowNetSingleMachineSparkTest {
    @ParameterizedTest
    @ValueSource(strings = {"adam", "schedule-free-adamw", "prodigy"})
    void oneWorkerStageFitEqualsSingleMachineReplay(String type, SparkSession spark, @TempDir Path tmp) {
        int n = 64;
        int d = 4;
        int h = 5;
        int steps = 3;
        double l2 = 1e-3;
        OptimizerConfig optimizer = type.equals("adam") ? OptimizerConfig.of("adam", 0.01) : OptimizerConfig.defaults(type);
        Dataset<Row> train = GrowNetSparkTest.data(spark, n, 11, true);
        GrowNetParams p = new GrowNetParams("binary", h, 1, optimizer, l2, n, steps, 1, null, null, null, null, null,
                0, 1, 9L, null, null, null, tmp.toUri().toString(), null, null, null);
        GrowNetSparkModel fitted = new GrowNet(p).fit(train, null);
        GrowNetModel spark1 = fitted.model();

        // single machine: the same preparation (features as floats, standardised in double, stored as float)
        List<Row> rows = train.collectAsList();
        double[] mean = new double[d];
        double[] sq = new double[d];
        double labelSum = 0;
        for (Row r : rows) {
            List<Object> x = r.getList(0);
            for (int j = 0; j < d; j++) {
                double v = (float) ((Number) x.get(j)).doubleValue();
                mean[j] += v;
                sq[j] += v * v;
            }
            labelSum += GrowNetTask.BINARY.canonicalLabel(r.getDouble(1), "row");
        }
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
            scale[j] = Math.sqrt(sq[j] / n - mean[j] * mean[j]);
        }
        double c0 = GrowNetTask.BINARY.initialScore(labelSum, n);
        double[] x = new double[n * d];
        double[] target = new double[n];
        double[] weight = new double[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            List<Object> f = r.getList(0);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (((float) ((Number) f.get(j)).doubleValue() - mean[j]) / scale[j]);
            }
            GrowNetTask.Target t = GrowNetTask.BINARY.target(
                    GrowNetTask.BINARY.canonicalLabel(r.getDouble(1), "row"), (float) c0, true);
            target[i] = t.target();
            weight[i] = t.weight();
        }
        WeakLearner w = WeakLearner.create(d, h, false, 9L * 1_000_003L + 1);
        INDArray params = Nd4j.createFromArray(RunningStatistics.toFloats(w.params())).reshape(1, w.params().length);
        FlatOptimizer rule = optimizer.create(params.length(), TensorLayout.single(params.length()), steps);
        for (int s = 0; s < steps; s++) { // full batch: one step per epoch
            double[] theta = RunningStatistics.toDoubles(params.toFloatVector());
            System.arraycopy(theta, 0, w.params(), 0, theta.length);
            ObjectiveResult r = StageObjective.compute(w, 1.0, x, null, n, target, weight, Reducer.LOCAL);
            double[] g = r.gradient();
            for (int i = 0; i < g.length; i++) {
                g[i] += l2 * n * theta[i];
            }
            INDArray mean1 = Nd4j.createFromArray(RunningStatistics.toFloats(g)).reshape(params.shape()).divi(n);
            rule.step(params, mean1, s, s);
        }
        float[] local = rule.evalParams(params).toFloatVector();
        if (rule.separateEvalPoint()) { // x and y differ by far more than the tolerance: keeping y would fail below
            float[] y = params.toFloatVector();
            double gap = 0;
            for (int i = 0; i < y.length; i++) {
                gap = Math.max(gap, Math.abs(y[i] - local[i]));
            }
            assertTrue(gap > 1e-4, "x and y differ by " + gap);
        }
        double[] engine = spark1.learner(0).params();
        double max = 0;
        for (int i = 0; i < local.length; i++) {
            max = Math.max(max, Math.abs(local[i] - engine[i]));
        }
        assertEquals(0.0, max, 1e-5, "largest parameter difference");
        if (CarriedStepSize.applies(optimizer)) { // the estimate GrowNet carries to the next stage is the rule's final d
            double carried = fitted.summary().get("stages").get(0).get("stageD").asDouble();
            assertEquals(rule.scalars().get("d"), carried, 1e-6 * carried);
            assertTrue(carried > optimizer.d0(), "d grew from d0: " + carried);
        }
        assertEquals(c0, spark1.initialScore(), 1e-12);
    }
}

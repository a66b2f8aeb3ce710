package org.sparktrain.jobs.grownet;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.sparktrain.engine.FlatUpdater;
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

/** One engine worker equals a single-machine replay of the stage fit (same data, targets, Adam, L2). */
@ExtendWith(SharedSpark.class)
class GrowNetSingleMachineSparkTest {
    @Test
    void oneWorkerStageFitEqualsSingleMachineReplay(SparkSession spark, @TempDir Path tmp) {
        int n = 64;
        int d = 4;
        int h = 5;
        int steps = 3;
        double lr = 0.01;
        double l2 = 1e-3;
        Dataset<Row> train = GrowNetSparkTest.data(spark, n, 11, true);
        GrowNetParams p = new GrowNetParams("binary", h, 1, lr, l2, n, steps, 1, null, null, null, null, null, 0, 1,
                9L, null, null, null, tmp.toUri().toString(), null);
        GrowNetModel spark1 = new GrowNet(p).fit(train, null).model();

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
        FlatUpdater adam = new FlatUpdater(new Adam(lr, 0.9, 0.999, 1e-8), params.length());
        for (int s = 0; s < steps; s++) { // full batch: one step per epoch
            double[] theta = RunningStatistics.toDoubles(params.toFloatVector());
            System.arraycopy(theta, 0, w.params(), 0, theta.length);
            ObjectiveResult r = StageObjective.compute(w, 1.0, x, null, n, target, weight, Reducer.LOCAL);
            double[] g = r.gradient();
            for (int i = 0; i < g.length; i++) {
                g[i] += l2 * n * theta[i];
            }
            INDArray mean1 = Nd4j.createFromArray(RunningStatistics.toFloats(g)).reshape(params.shape()).divi(n);
            adam.step(params, mean1, s, s);
        }
        float[] local = params.toFloatVector();
        double[] engine = spark1.learner(0).params();
        double max = 0;
        for (int i = 0; i < local.length; i++) {
            max = Math.max(max, Math.abs(local[i] - engine[i]));
        }
        assertEquals(0.0, max, 1e-5, "largest parameter difference");
        assertEquals(c0, spark1.initialScore(), 1e-12);
    }
}

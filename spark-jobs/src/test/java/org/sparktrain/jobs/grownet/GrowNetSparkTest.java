package org.sparktrain.jobs.grownet;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.zoo.grownet.GrowNetModel;
import org.sparktrain.zoo.grownet.QuantileNormalScaling;

import java.io.FileInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(SharedSpark.class)
class GrowNetSparkTest {
    private static final int D = 4;

    @Test
    void twoWorkersEqualOneWorkerOnTheSameGlobalBatch(SparkSession spark, @TempDir Path tmp) {
        Dataset<Row> train = data(spark, 96, 1, false);
        // full-batch steps: the global batch is the whole (trimmed) training set for any worker count
        GrowNetParams p = new GrowNetParams("regression", 4, 3, OptimizerConfig.of("adam", 0.01), 1e-3, 96, 2, 1, null, null, null, null,
                null, 0, 1, 7L, null, null, null, tmp.toUri().toString(), null, null, null);
        GrowNetModel one = new GrowNet(p).fit(train, null).model();
        GrowNetModel two = new GrowNet(p.withWorkers(2)).fit(train, null).model();
        assertEquals(3, one.numLearners());
        double[] a = one.flatParams();
        double[] b = two.flatParams();
        assertEquals(a.length, b.length);
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
        }
        assertTrue(maxDiff < 1e-4, "parameters differ by up to " + maxDiff);
        double[] ra = one.flatRunning();
        double[] rb = two.flatRunning();
        for (int i = 0; i < ra.length; i++) {
            assertEquals(ra[i], rb[i], 1e-4 * (1 + Math.abs(ra[i])), "running statistic " + i);
        }
        assertFalse(spark.sparkContext().isStopped());
    }

    @Test
    void fitTransformSaveLoadAndPlainJvmPredictionsAgree(SparkSession spark, @TempDir Path tmp) throws Exception {
        Dataset<Row> train = data(spark, 400, 2, true);
        Dataset<Row> validation = data(spark, 200, 3, true);
        GrowNetParams p = new GrowNetParams("binary", 8, 4, OptimizerConfig.of("adam", 0.02), null, 40, 2, 1, null, null, null, null,
                null, 3, 2, 5L, null, null, "p", tmp.toUri().toString(), null, null, null);
        GrowNetSparkModel fitted = new GrowNet(p).fit(train, validation);
        double auc = fitted.summary().get("bestValidation").asDouble();
        // the labels are a noiseless function of the features: a working booster separates them well
        assertTrue(auc > 0.9, "validation AUC " + auc);

        String dir = tmp.resolve("model").toUri().toString();
        fitted.save(dir, spark.sparkContext().hadoopConfiguration());
        fitted.save(dir, spark.sparkContext().hadoopConfiguration()); // replacing an existing model works
        GrowNetSparkModel loaded = GrowNetSparkModel.load(dir, spark.sparkContext().hadoopConfiguration());
        GrowNetModel plain;
        try (FileInputStream in = new FileInputStream(tmp.resolve("model").resolve(GrowNetSparkModel.MODEL_FILE).toFile())) {
            plain = GrowNetModel.read(in, "model file");
        }
        List<Row> rows = loaded.transform(validation).collectAsList();
        assertEquals(200, rows.size());
        for (Row r : rows.subList(0, 20)) {
            List<Object> x = r.getList(r.fieldIndex("features"));
            float[] f = new float[D];
            for (int j = 0; j < D; j++) {
                f[j] = ((Number) x.get(j)).floatValue();
            }
            assertEquals(plain.probability(f), r.getDouble(r.fieldIndex("p")), 1e-12);
            assertEquals(fitted.model().probability(f), r.getDouble(r.fieldIndex("p")), 1e-12);
        }
        assertFalse(spark.sparkContext().isStopped());
    }

    @Test
    void quantileScalingUsesTheTrainingQuantilesAndPredictsThroughThem(SparkSession spark, @TempDir Path tmp) {
        int n = 200;
        Dataset<Row> train = data(spark, n, 8, false);
        GrowNetParams p = new GrowNetParams("regression", 4, 1, OptimizerConfig.of("adam", 0.01), null, 40, 1, 1, null,
                null, null, null, null, 0, 2, 5L, null, null, null, tmp.toUri().toString(), null, "quantile", null);
        GrowNetSparkModel fitted = new GrowNet(p).fit(train, null);
        QuantileNormalScaling scaling = (QuantileNormalScaling) fitted.model().scaling();
        List<Row> rows = train.collectAsList();
        for (int j = 0; j < D; j++) {
            double[] sorted = new double[n];
            for (int i = 0; i < n; i++) {
                sorted[i] = (float) ((Number) rows.get(i).getList(0).get(j)).doubleValue(); // GrowNet reads floats
            }
            Arrays.sort(sorted);
            double[] q = scaling.knots(j);
            assertEquals(QuantileNormalScaling.DEFAULT_KNOTS, q.length);
            for (int i = 0; i < q.length; i++) {
                // Spark's approxQuantile with relative error 1e-4 on 200 rows: exact up to one rank
                int r = (int) Math.round(i / (double) (q.length - 1) * (n - 1));
                assertTrue(q[i] >= sorted[Math.max(0, r - 1)] && q[i] <= sorted[Math.min(n - 1, r + 1)],
                        "feature " + j + " knot " + i + " = " + q[i] + " vs rank " + r + " value " + sorted[r]);
            }
        }
        // the model scores the raw features through the same map: transform equals plain-JVM scoring of raw rows
        for (Row r : fitted.transform(train).collectAsList().subList(0, 10)) {
            float[] f = new float[D];
            for (int j = 0; j < D; j++) {
                f[j] = ((Number) r.getList(0).get(j)).floatValue();
            }
            double[] x = new double[D];
            for (int j = 0; j < D; j++) {
                x[j] = scaling.apply(j, f[j]);
            }
            double expected = fitted.model().initialScore() + fitted.model().boostRate()
                    * fitted.model().learner(0).forwardEval(x, null, 1).f()[0];
            assertEquals(expected, r.getDouble(r.fieldIndex("prediction")), 1e-12);
        }
    }

    /** y = sin(2 x0) + x1 x2 − 0.5 x3 (regression) or its sign (binary); x uniform in [−1, 1]^4. */
    static Dataset<Row> data(SparkSession spark, int n, long seed, boolean binary) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Double[] x = new Double[D];
            for (int j = 0; j < D; j++) {
                x[j] = rng.nextDouble() * 2 - 1;
            }
            double y = Math.sin(2 * x[0]) + x[1] * x[2] - 0.5 * x[3];
            rows.add(RowFactory.create((Object) x, binary ? (y > 0 ? 1.0 : 0.0) : y));
        }
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
                .add("label", DataTypes.DoubleType, false);
        return spark.createDataFrame(rows, schema);
    }
}

package org.sparktrain.jobs.grownet;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.zoo.grownet.GrowNetModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GrowNet's {@code weightCol} end to end on the engine (2 workers, synchronised BatchNorm): without it the fit is bit
 * for bit the fit before record weights existed (fingerprints recorded from that code), weights all 1 give that same
 * model, and integer weights train the model of the table with those rows repeated (full-batch stages, so the
 * batches hold the same records; SGD with the learning rate scaled by R/N, see the test).
 */
@ExtendWith(SharedSpark.class)
class GrowNetWeightsSparkTest {
    private static GrowNetParams params(String task, OptimizerConfig opt, int batch, Path tmp) {
        return new GrowNetParams(task, 4, 3, opt, 1e-3, batch, 2, 1, null, null, null, null, null,
                0, 2, 7L, null, null, null, tmp.toUri().toString(), null, null, null);
    }

    /** c0, then hashes of the exact bits of every parameter and running statistic. */
    private static String fingerprint(GrowNetModel m) {
        return m.initialScore() + " " + Arrays.hashCode(m.flatParams()) + " " + Arrays.hashCode(m.flatRunning());
    }

    @Test
    void withoutWeightsTheFitIsBitIdenticalToTheCodeBeforeWeightsAndWeightsOneChangeNothing(SparkSession spark,
                                                                                          @TempDir Path tmp) {
        // recorded with the code before weightCol existed (commit 37a7af6), same data, settings and seeds
        Dataset<Row> binary = GrowNetSparkTest.data(spark, 96, 5, true);
        GrowNetParams adam = params("binary", OptimizerConfig.of("adam", 0.01), 32, tmp);
        GrowNetModel plain = new GrowNet(adam).fit(binary, null).model();
        assertEquals("0.29376111852816317 1392067768 658060646", fingerprint(plain));
        Dataset<Row> regression = GrowNetSparkTest.data(spark, 96, 6, false);
        GrowNetParams sf = params("regression", OptimizerConfig.defaults("schedule-free-adamw"), 32, tmp);
        GrowNetModel plainSf = new GrowNet(sf).fit(regression, null).model();
        assertEquals("0.15037236351054162 -532942592 755757387", fingerprint(plainSf));

        // weights all 1: the weighted code path (weighted BN, moments, c0, precise BN for schedule-free) gives the
        // same bits
        GrowNetModel ones = new GrowNet(adam.withWeightCol("c"))
                .fit(binary.withColumn("c", functions.lit(1.0)), null).model();
        assertEquals(fingerprint(plain), fingerprint(ones));
        GrowNetModel onesSf = new GrowNet(sf.withWeightCol("c"))
                .fit(regression.withColumn("c", functions.lit(1.0)), null).model();
        assertEquals(fingerprint(plainSf), fingerprint(onesSf));
    }

    @Test
    void integerWeightsTrainTheModelOfTheRepeatedRows(SparkSession spark, @TempDir Path tmp) {
        for (String task : List.of("regression", "binary")) {
            Dataset<Row> base = GrowNetSparkTest.data(spark, 40, 12, task.equals("binary"));
            List<Row> rows = base.collectAsList();
            List<Row> weighted = new ArrayList<>();
            List<Row> repeated = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                int m = i % 4 < 2 ? 2 : 1; // 20 rows twice: 40 weighted rows, 60 repeated ones
                Row r = rows.get(i);
                weighted.add(RowFactory.create(r.get(0), r.get(1), (double) m));
                for (int k = 0; k < m; k++) {
                    repeated.add(r);
                }
            }
            StructType schema = base.schema();
            Dataset<Row> w = spark.createDataFrame(weighted, schema.add("c", DataTypes.DoubleType, false));
            Dataset<Row> dup = spark.createDataFrame(repeated, schema);
            // full batch: every step of every stage fit and corrective step sees all records. With c = m the
            // weighted mean gradient (1/40)·Σ c∇ℓ is 60/40 times the repeated rows' (1/60)·Σ∇ℓ, so plain SGD at
            // lr·40/60 takes the same steps as SGD at lr on the repeated rows (L2 0)
            GrowNetParams p = new GrowNetParams(task, 4, 3, OptimizerConfig.of("sgd", 0.3), 0.0, 60, 3, 2, null,
                    null, null, null, null, 0, 2, 3L, null, null, null, tmp.toUri().toString(), null, null, null);
            GrowNetParams scaled = p.withOptimizer(OptimizerConfig.of("sgd", 0.3 * 40 / 60), false);
            GrowNetModel a = new GrowNet(scaled.withWeightCol("c")).fit(w, null).model();
            GrowNetModel b = new GrowNet(p).fit(dup, null).model();
            assertEquals(b.initialScore(), a.initialScore(), 1e-12, task);
            double[] pa = a.flatParams();
            double[] pb = b.flatParams();
            double maxParam = 0;
            for (int i = 0; i < pa.length; i++) {
                maxParam = Math.max(maxParam, Math.abs(pa[i] - pb[i]));
            }
            double[] ra = a.flatRunning();
            double[] rb = b.flatRunning();
            double maxRunning = 0;
            for (int i = 0; i < ra.length; i++) {
                maxRunning = Math.max(maxRunning, Math.abs(ra[i] - rb[i]) / Math.max(1, Math.abs(rb[i])));
            }
            double maxScore = 0;
            for (Row r : rows) {
                List<Object> x = r.getList(0);
                float[] f = new float[x.size()];
                for (int j = 0; j < f.length; j++) {
                    f[j] = ((Number) x.get(j)).floatValue();
                }
                maxScore = Math.max(maxScore, Math.abs(a.score(f) - b.score(f)));
            }
            System.out.printf("%s: max |Δθ| %.3g, max rel |Δrunning| %.3g, max |ΔF| %.3g%n", task, maxParam,
                    maxRunning, maxScore);
            assertTrue(maxParam < 1e-6, task + ": parameters differ by " + maxParam);
            assertTrue(maxRunning < 1e-6, task + ": running statistics differ by " + maxRunning);
            assertTrue(maxScore < 1e-6, task + ": scores differ by " + maxScore);
        }
    }

    @Test
    void badWeightsAndKeysAreRefusedNamingWeightCol(SparkSession spark, @TempDir Path tmp) {
        Dataset<Row> data = GrowNetSparkTest.data(spark, 16, 1, false);
        GrowNetParams p = params("regression", OptimizerConfig.of("adam", 0.01), 8, tmp).withWeightCol("c");
        Exception missing = assertThrows(IllegalArgumentException.class, () -> new GrowNet(p).fit(data, null));
        assertTrue(missing.getMessage().contains("no weight column 'c' (weightCol)"), missing.getMessage());
        Exception negative = assertThrows(Exception.class, () -> new GrowNet(p)
                .fit(data.withColumn("c", functions.lit(-1.0)), null));
        assertTrue(String.valueOf(rootMessage(negative)).contains("weightCol"), rootMessage(negative));
        Exception ranking = assertThrows(IllegalArgumentException.class, () -> new GrowNetParams("ranking", null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, "c"));
        assertTrue(ranking.getMessage().startsWith("weightCol:"), ranking.getMessage());
        Exception quantile = assertThrows(IllegalArgumentException.class, () -> p.withFeatureScaling("quantile"));
        assertTrue(quantile.getMessage().startsWith("weightCol:"), quantile.getMessage());
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}

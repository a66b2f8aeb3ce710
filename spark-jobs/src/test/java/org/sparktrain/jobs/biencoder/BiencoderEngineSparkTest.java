package org.sparktrain.jobs.biencoder;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.Collective;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.EpochSampler;
import org.sparktrain.engine.InMemoryCollective;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.Shard;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.testing.SharedSpark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bi-encoder on the real engine and collective: 2 workers with cross-worker in-batch negatives train exactly
 * like one process replaying the combined global batches (worker 0's triples first), step for step.
 */
@ExtendWith(SharedSpark.class)
class BiencoderEngineSparkTest {
    static final int N = 16;

    static Dataset<Row> frame(SparkSession spark, float[][][] triples) {
        StructType schema = new StructType(new StructField[]{
                DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField(BiencoderTrainable.QUERY, DataTypes.createArrayType(DataTypes.FloatType), false),
                DataTypes.createStructField(BiencoderTrainable.POSITIVE, DataTypes.createArrayType(DataTypes.FloatType), false),
                DataTypes.createStructField(BiencoderTrainable.NEGATIVE, DataTypes.createArrayType(DataTypes.FloatType), false)});
        List<Row> rows = new ArrayList<>();
        for (int k = 0; k < triples.length; k++) {
            rows.add(RowFactory.create((long) k, boxed(triples[k][0]), boxed(triples[k][1]), boxed(triples[k][2])));
        }
        return spark.createDataFrame(rows, schema);
    }

    private static List<Float> boxed(float[] x) {
        List<Float> out = new ArrayList<>();
        for (float v : x) {
            out.add(v);
        }
        return out;
    }

    @Test
    void twoWorkersWithCrossWorkerNegativesEqualOneProcessOnTheCombinedBatches(SparkSession spark, @TempDir Path dir)
            throws Exception {
        float[][][] data = BiencoderFixtures.triples(N, 23);
        String table = dir.resolve("table.bin").toString();
        BiencoderFactory.writeTable(BiencoderFixtures.table(), table, new Configuration());
        BiencoderLossConfig loss = BiencoderLossConfig.adaptive().withInBatchNegatives(true);
        BiencoderFactory factory = new BiencoderFactory(table, loss, 0);
        double lr = 0.5;
        EngineConfig cfg = new EngineConfig(2, "allreduce", 1, 8, 2, 7L, 0, 2, 1, 1, 60, 10, 0);
        TrainingSpec spec = new TrainingSpec("biencoder-test", dir.resolve("run").toString(), frame(spark, data),
                "triples", BiencoderFixtures.COLUMNS, factory, null, false, null, null);
        TrainingResult result = new TrainingEngine(spark, cfg, OptimizerConfig.of("sgd", lr)).train(spec);
        assertEquals(4, result.state().globalStep());

        // replay: worker w holds ids w, w+2, ... (rank mod 2); global batch = worker 0's slice then worker 1's
        Trainable plain = factory.create();
        Shard all = BiencoderFixtures.shard(0, data, BiencoderFixtures.range(0, N));
        float[] start = plain.params().toFloatVector();
        for (int epoch = 0; epoch < 2; epoch++) {
            int[][] perms = {EpochSampler.permutation(7L, epoch, 0, N / 2), EpochSampler.permutation(7L, epoch, 1, N / 2)};
            for (int s = 0; s < 2; s++) {
                int[] combined = new int[8];
                for (int w = 0; w < 2; w++) {
                    int[] local = EpochSampler.slice(perms[w], s, 4);
                    for (int r = 0; r < 4; r++) {
                        combined[w * 4 + r] = 2 * local[r] + w;
                    }
                }
                Batch batch = new Batch(all, combined);
                Trainable.StepResult r = plain.computeGradient(batch,
                        InMemoryCollective.contextFor(0, 0, 1, Collective.single(), batch));
                plain.params().subi(plain.gradient().mul(lr / r.weight()));
            }
        }
        float[] expected = plain.params().toFloatVector();
        float moved = 0;
        for (int i = 0; i < expected.length; i++) {
            moved = Math.max(moved, Math.abs(expected[i] - start[i]));
        }
        assertTrue(moved > 1e-3, "training moved the parameters by " + moved);
        assertArrayEquals(expected, result.state().params(), 1e-5f);
    }
}

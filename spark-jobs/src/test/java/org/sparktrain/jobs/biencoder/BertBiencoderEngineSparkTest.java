package org.sparktrain.jobs.biencoder;

import org.apache.spark.sql.SparkSession;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code minilm} bi-encoder (a tiny BERT, {@link TinyBertBiencoderFactory}) on the real engine: local Spark, 2
 * workers, allreduce, cross-worker negatives, the engine's SGD; the parameters after 2 steps equal those of one
 * process replaying the same global batches (worker 0's triples first) with the same update.
 */
@ExtendWith(SharedSpark.class)
class BertBiencoderEngineSparkTest {
    static final int N = 8;

    /**
     * Tolerance: the engine keeps the parameters in float between rounds (the workers' replicas are double and
     * receive float values) while the replay stays in double, so they differ by float rounding, ~1e-7 relative
     * per step on parameters of magnitude ≤ ~3: 1e-5 absolute. A wrong gather (a worker pairing its queries with
     * the other worker's documents, a missing cross-worker gradient) or a wrong scale moves them by lr·|∇| ≫ 1e-3,
     * which the test requires of the training.
     */
    @Test
    void twoWorkersOnTheEngineEqualOneProcessOnTheCombinedBatches(SparkSession spark, @TempDir Path dir) {
        float[][][] data = BiencoderFixtures.triples(N, 23);
        TinyBertBiencoderFactory factory = new TinyBertBiencoderFactory(3,
                BiencoderLossConfig.adaptive().withInBatchNegatives(true));
        double lr = 0.5;
        EngineConfig cfg = new EngineConfig(2, "allreduce", 1, 4, 1, 7L, 0, 2, 1, 1, 120, 10, 0);
        TrainingSpec spec = new TrainingSpec("bert-biencoder-test", dir.resolve("run").toString(),
                BiencoderEngineSparkTest.frame(spark, data), "triples", BiencoderFixtures.COLUMNS, factory, null, false,
                null, null);
        TrainingResult result = new TrainingEngine(spark, cfg, OptimizerConfig.of("sgd", lr)).train(spec);
        assertEquals(2, result.state().globalStep());

        // replay: worker w holds ids w, w+2, ... (rank mod 2); global batch = worker 0's slice then worker 1's
        Trainable plain = factory.create();
        float[] start = plain.params().toFloatVector();
        plain.params().assign(org.nd4j.linalg.factory.Nd4j.create(start, new long[]{1, start.length}, 'c'));
        Shard all = BiencoderFixtures.shard(0, data, BiencoderFixtures.range(0, N));
        int[][] perms = {EpochSampler.permutation(7L, 0, 0, N / 2), EpochSampler.permutation(7L, 0, 1, N / 2)};
        for (int s = 0; s < 2; s++) {
            int[] combined = new int[4];
            for (int w = 0; w < 2; w++) {
                int[] local = EpochSampler.slice(perms[w], s, 2);
                for (int r = 0; r < 2; r++) {
                    combined[w * 2 + r] = 2 * local[r] + w;
                }
            }
            Batch batch = new Batch(all, combined);
            Trainable.StepResult r = plain.computeGradient(batch,
                    InMemoryCollective.contextFor(0, 0, 1, Collective.single(), batch));
            plain.params().subi(plain.gradient().mul(lr / r.weight()));
        }
        double[] expected = plain.params().toDoubleVector();
        float[] actual = result.state().params();
        assertEquals(expected.length, actual.length);
        double moved = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            moved = Math.max(moved, Math.abs(expected[i] - start[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(moved > 1e-3, "training moved the parameters by " + moved);
        assertTrue(worst < 1e-5, "engine vs replay: largest difference " + worst + " (moved " + moved + ")");
        System.out.printf("tiny BERT bi-encoder, engine 2 workers vs replay: moved %.4g, largest difference %.3g%n",
                moved, worst);
    }
}

package org.sparktrain.engine;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.testing.TestData;
import org.sparktrain.zoo.ClassifierModelConfig;
import org.sparktrain.zoo.ClassifierNetworks;
import org.sparktrain.zoo.ImageShape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine equalities of docs/architecture.md, on a real local Spark with the real collective. */
@ExtendWith(SharedSpark.class)
class TrainingEngineSparkTest {
    static final int N = 96;
    static final int D = 12;
    static final int K = 3;
    static final ClassifierModelConfig MLP = new ClassifierModelConfig("mlp", List.of(16));
    static final ImageShape SHAPE = new ImageShape(1, 1, D);

    /** Builds the small MLP used by every test. */
    record MlpFactory(long seed) implements TrainableFactory {
        @Override
        public Trainable create() {
            return new MultiLayerTrainable(ClassifierNetworks.create(MLP, SHAPE, K, seed), K);
        }

        @Override
        public String cacheKey() {
            return "mlp-test-" + seed;
        }
    }

    static EngineConfig engine(int workers, String sync, int localSteps, int batch, int epochs, int checkpointEvery) {
        return new EngineConfig(workers, sync, localSteps, batch, epochs, 7L, checkpointEvery, 3, 1, 1, 60, 10, 0);
    }

    static TrainingResult train(SparkSession spark, Path dir, EngineConfig cfg, OptimizerConfig opt,
                                TrainingListener listener, boolean resume) {
        Dataset<Row> data = TestData.blobs(spark, N, D, K, 3);
        TrainingSpec spec = new TrainingSpec("test", dir.toString(), data, "blobs",
                List.of(ColumnSpec.of("features", D), ColumnSpec.of("label", 1)), new MlpFactory(11), null, resume,
                listener, null);
        return new TrainingEngine(spark, cfg, opt).train(spec);
    }

    /** Replays the engine's batches of one worker holding all records (ids 0..N-1, shard order = id order). */
    static DataSet batchOf(float[][] x, int[] positions) {
        INDArray f = Nd4j.create(positions.length, D);
        INDArray y = Nd4j.zeros(positions.length, K);
        for (int r = 0; r < positions.length; r++) {
            f.putRow(r, Nd4j.createFromArray(x[positions[r]]));
            y.putScalar(r, positions[r] % K, 1);
        }
        return new DataSet(f, y);
    }

    @Test
    void oneWorkerEqualsPlainDl4jStepForStep(SparkSession spark, @TempDir Path dir) {
        OptimizerConfig adam = OptimizerConfig.of("adam", 0.01);
        EngineConfig cfg = engine(1, "allreduce", 1, 16, 2, 0);
        Map<Long, Double> engineLoss = new ConcurrentSkipListMap<>();
        TrainingResult result = train(spark, dir, cfg, adam, new TrainingListener() {
            @Override
            public void onStep(long step, double lossSum, double weight, double[] stats) {
                engineLoss.put(step, lossSum / weight);
            }
        }, false);

        MultiLayerNetwork plain = ClassifierNetworks.create(MLP, SHAPE, K, 11, adam.toNd4j());
        float[][] x = TestData.features(N, D, K, 3);
        List<Double> plainLoss = new ArrayList<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            int[] perm = EpochSampler.permutation(7L, epoch, 0, N);
            for (int s = 0; s < N / 16; s++) {
                DataSet batch = batchOf(x, EpochSampler.slice(perm, s, 16));
                plainLoss.add(plain.score(batch, true));
                plain.fit(batch);
            }
        }
        assertEquals(12, result.state().globalStep());
        assertEquals(plainLoss.size(), engineLoss.size());
        int i = 0;
        for (double loss : engineLoss.values()) {
            assertEquals(plainLoss.get(i++), loss, 1e-5, "loss at step " + (i - 1));
        }
        assertArrayEquals(plain.params().toFloatVector(), result.state().params(), 1e-6f);
    }

    @Test
    void allreduceOnEqualShardsEqualsOneWorkerOnTheCombinedBatch(SparkSession spark, @TempDir Path dir) {
        OptimizerConfig sgd = OptimizerConfig.of("sgd", 0.1);
        TrainingResult two = train(spark, dir.resolve("two"), engine(2, "allreduce", 1, 16, 1, 0), sgd, null, false);

        // worker w holds the records of rank r with r mod 2 == w, i.e. ids w, w+2, w+4, ...
        MultiLayerNetwork plain = ClassifierNetworks.create(MLP, SHAPE, K, 11, sgd.toNd4j());
        float[][] x = TestData.features(N, D, K, 3);
        int[][] perms = {EpochSampler.permutation(7L, 0, 0, N / 2), EpochSampler.permutation(7L, 0, 1, N / 2)};
        for (int s = 0; s < N / 16; s++) {
            int[] combined = new int[16];
            for (int w = 0; w < 2; w++) {
                int[] local = EpochSampler.slice(perms[w], s, 8);
                for (int r = 0; r < 8; r++) {
                    combined[w * 8 + r] = 2 * local[r] + w;
                }
            }
            plain.fit(batchOf(x, combined));
        }
        assertEquals(6, two.state().globalStep());
        assertArrayEquals(plain.params().toFloatVector(), two.state().params(), 2e-6f);
    }

    @Test
    void localSgdWithOneLocalStepEqualsAllreduce(SparkSession spark, @TempDir Path dir) {
        OptimizerConfig sgd = OptimizerConfig.of("sgd", 0.1);
        TrainingResult allreduce = train(spark, dir.resolve("a"), engine(2, "allreduce", 1, 16, 2, 0), sgd, null, false);
        TrainingResult local = train(spark, dir.resolve("l"), engine(2, "local-sgd", 1, 16, 2, 0), sgd, null, false);
        assertArrayEquals(allreduce.state().params(), local.state().params(), 2e-6f);
        // and H = 3 is a genuinely different algorithm
        TrainingResult h3 = train(spark, dir.resolve("h"), engine(2, "local-sgd", 3, 16, 2, 0), sgd, null, false);
        float maxDiff = 0;
        for (int i = 0; i < h3.state().params().length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(h3.state().params()[i] - allreduce.state().params()[i]));
        }
        assertTrue(maxDiff > 1e-4, "local-sgd H=3 should differ from allreduce, max diff " + maxDiff);
    }

    @Test
    void resumeAfterACrashEndsWithTheSameParametersAsAnUninterruptedRun(SparkSession spark, @TempDir Path dir) {
        OptimizerConfig adam = OptimizerConfig.of("adam", 0.01);
        EngineConfig cfg = engine(2, "allreduce", 1, 16, 3, 4);
        TrainingResult uninterrupted = train(spark, dir.resolve("full"), cfg, adam, null, false);

        Path crashed = dir.resolve("crashed");
        RuntimeException crash = assertThrows(RuntimeException.class, () -> train(spark, crashed, cfg, adam,
                new TrainingListener() {
                    @Override
                    public void onCheckpoint(EngineState state, String path) {
                        if (state.globalStep() == 8) {
                            throw new IllegalStateException("simulated driver crash after step 8");
                        }
                    }
                }, false));
        assertTrue(crash.getMessage().contains("simulated"));
        TrainingResult resumed = train(spark, crashed, cfg, adam, null, true);
        assertEquals(8, resumed.resumedFromStep());
        assertEquals(18, resumed.state().globalStep());
        assertArrayEquals(uninterrupted.state().params(), resumed.state().params(), 0f);
        assertArrayEquals(uninterrupted.state().updaterState(), resumed.state().updaterState(), 0f);
    }
}

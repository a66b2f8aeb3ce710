package org.sparktrain.engine;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.testing.TestData;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The hook for non-parameter algorithm state: per-record state beside the shards and replicated global state
 * updated from statistics summed over workers. Each record counts its visits; the global state counts all
 * examples; so after E epochs every record must show exactly E visits and the global count E x N, also after a
 * crash and --resume and after Spark retried a failed round (no update applied twice).
 */
@ExtendWith(SharedSpark.class)
class AlgorithmStateSparkTest {
    static final int N = 90;
    static final AtomicBoolean FAIL_ONCE = new AtomicBoolean();

    /** Per record: [visits, last global step]; global: [examples seen]; stats: [examples this step]. */
    static final class CountingState implements AlgorithmState {
        @Override
        public int globalStateSize() {
            return 1;
        }

        @Override
        public int statsSize() {
            return 1;
        }

        @Override
        public int recordStateWidth() {
            return 2;
        }

        @Override
        public float[] initialRecordState() {
            return new float[]{0, -1};
        }

        @Override
        public void onSync(float[] globalState, double[] summedStats, long step) {
            globalState[0] += (float) summedStats[0];
        }
    }

    /** The MLP of the engine tests, plus bookkeeping of visits; fails once at step 7 if asked to. */
    record CountingFactory(long seed) implements TrainableFactory {
        @Override
        public Trainable create() {
            Trainable inner = new TrainingEngineSparkTest.MlpFactory(seed).create();
            return new Trainable() {
                @Override
                public long numParams() {
                    return inner.numParams();
                }

                @Override
                public INDArray params() {
                    return inner.params();
                }

                @Override
                public StepResult computeGradient(Batch batch, StepContext ctx) {
                    if (ctx.step() == 7 && ctx.worker() == 1 && FAIL_ONCE.compareAndSet(true, false)) {
                        throw new IllegalStateException("injected task failure at step 7");
                    }
                    float[] s = ctx.recordStateArray();
                    for (int r = 0; r < batch.size(); r++) {
                        int o = ctx.recordState(r);
                        s[o] += 1;
                        s[o + 1] = ctx.step();
                    }
                    ctx.stats()[0] = batch.size();
                    return inner.computeGradient(batch, ctx);
                }

                @Override
                public INDArray gradient() {
                    return inner.gradient();
                }
            };
        }

        @Override
        public String cacheKey() {
            return "counting-" + seed;
        }
    }

    static TrainingResult train(SparkSession spark, Path dir, boolean resume, TrainingListener listener) {
        EngineConfig cfg = new EngineConfig(2, "allreduce", 1, 10, 3, 5L, 4, 2, 1, 1, 60, 10, 2);
        TrainingSpec spec = new TrainingSpec("count", dir.toString(), TestData.blobs(spark, N, 12, 3, 1), "blobs",
                List.of(ColumnSpec.of("features", 12), ColumnSpec.of("label", 1)), new CountingFactory(3),
                new CountingState(), resume, listener, null);
        return new TrainingEngine(spark, cfg, OptimizerConfig.of("sgd", 0.05)).train(spec);
    }

    static float[] visits(SparkSession spark, Path run) {
        Path last = Path.of(new Checkpoints(run.toString(), spark.sparkContext().hadoopConfiguration()).latest()
                .orElseThrow().toUri());
        return spark.read().parquet(last.resolve("record-state").toString()).orderBy("id").collectAsList().stream()
                .map(r -> r.<Float>getList(1).get(0)).reduce(new float[0], (a, v) -> {
                    float[] b = java.util.Arrays.copyOf(a, a.length + 1);
                    b[a.length] = v;
                    return b;
                }, (a, b) -> a);
    }

    @Test
    void everyRecordIsCountedOncePerEpochAndGlobalStateSumsAllWorkers(SparkSession spark, @TempDir Path dir) {
        TrainingResult r = train(spark, dir, false, null);
        assertEquals(27, r.state().globalStep());       // 3 epochs x ceil(45 / 5)
        assertEquals(3f * N, r.state().globalState()[0]);
        float[] expected = new float[N];
        java.util.Arrays.fill(expected, 3f);
        assertArrayEquals(expected, visits(spark, dir), "visits per record");
    }

    @Test
    void stateSurvivesACrashAndResumeWithoutDoubleCounting(SparkSession spark, @TempDir Path dir) {
        assertThrows(RuntimeException.class, () -> train(spark, dir, false, new TrainingListener() {
            @Override
            public void onCheckpoint(EngineState state, String path) {
                if (state.globalStep() == 12) {
                    throw new IllegalStateException("simulated driver crash");
                }
            }
        }));
        TrainingResult resumed = train(spark, dir, true, null);
        assertEquals(12, resumed.resumedFromStep());
        assertEquals(3f * N, resumed.state().globalState()[0]);
        float[] expected = new float[N];
        java.util.Arrays.fill(expected, 3f);
        assertArrayEquals(expected, visits(spark, dir));
        TrainingResult clean = train(spark, dir.resolve("clean"), false, null);
        assertArrayEquals(clean.state().params(), resumed.state().params(), 0f);
    }

    @Test
    void aFailedTaskIsRetriedAndNoUpdateIsAppliedTwice(SparkSession spark, @TempDir Path dir) {
        TrainingResult clean = train(spark, dir.resolve("clean"), false, null);
        FAIL_ONCE.set(true);
        TrainingResult retried = train(spark, dir.resolve("retried"), false, null);
        assertEquals(false, FAIL_ONCE.get(), "the failure was injected");
        assertEquals(3f * N, retried.state().globalState()[0]);
        float[] expected = new float[N];
        java.util.Arrays.fill(expected, 3f);
        assertArrayEquals(expected, visits(spark, dir.resolve("retried")));
        assertArrayEquals(clean.state().params(), retried.state().params(), 0f);
    }
}

package org.sparktrain.jobs.contrastive;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.Checkpoints;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.EngineState;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingListener;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.testing.TestData;
import org.sparktrain.zoo.ImageShape;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SimCLR / SogCLR / iSogCLR on the engine (SogCLR and iSogCLR with the per-record state hook): 2 workers equal 1
 * worker on the same global batch (negatives and state across workers as in the spec's DDP notes), the state survives a crash and --resume, and a
 * failed task retried by the engine never applies an update twice.
 */
@ExtendWith(SharedSpark.class)
class ContrastiveEngineSparkTest {
    static final ImageShape SHAPE = new ImageShape(1, 4, 4);
    static final AtomicBoolean FAIL_ONCE = new AtomicBoolean();

    static ContrastiveFactory factory(String method) {
        return factory(method, ContrastiveModelConfig.mlp(16, 8, 8, 4));
    }

    static ContrastiveFactory factory(String method, ContrastiveModelConfig model) {
        return new ContrastiveFactory(method, SHAPE, model,
                new AugmentationConfig(0.5, 10.0, 1.0, 0.5, 0.05),
                new ContrastiveLossConfig(0.2, 0.05, 0.7, 0.3, 0.05, 0.9, 0.9, 0, 3.0), 5);
    }

    /** The contrastive trainable, failing once at step 5 on worker 1 when {@link #FAIL_ONCE} is set. */
    record FailingFactory(ContrastiveFactory inner) implements TrainableFactory {
        @Override
        public Trainable create() {
            Trainable t = inner.create();
            return new Trainable() {
                @Override
                public long numParams() {
                    return t.numParams();
                }

                @Override
                public INDArray params() {
                    return t.params();
                }

                @Override
                public StepResult computeGradient(Batch batch, StepContext ctx) {
                    StepResult r = t.computeGradient(batch, ctx);
                    // fail after the state rows of this step were already written: the retry must not see them
                    if (ctx.step() == 5 && ctx.worker() == 1 && FAIL_ONCE.compareAndSet(true, false)) {
                        throw new IllegalStateException("injected task failure at step 5");
                    }
                    return r;
                }

                @Override
                public INDArray gradient() {
                    return t.gradient();
                }
            };
        }

        @Override
        public String cacheKey() {
            return "failing-" + inner.cacheKey();
        }
    }

    static TrainingResult train(SparkSession spark, Path dir, TrainableFactory f, ContrastiveState state, int workers,
                                int n, int batch, boolean resume, TrainingListener listener) {
        EngineConfig cfg = new EngineConfig(workers, "allreduce", 1, batch, 3, 5L, 2, 2, 1, 1, 60, 10, 2);
        Dataset<Row> data = TestData.blobs(spark, n, SHAPE.size(), 3, 1);
        TrainingSpec spec = new TrainingSpec("gcl", dir.toString(), data, "blobs",
                List.of(ColumnSpec.of("features", SHAPE.size())), f, state, resume, listener, null);
        return new TrainingEngine(spark, cfg, OptimizerConfig.of("adam", 0.01)).train(spec);
    }

    /** The newest checkpoint's per-record state, ordered by id: [u, b, tau, m] per record. */
    static float[][] recordStates(SparkSession spark, Path run) {
        Path last = Path.of(new Checkpoints(run.toString(), spark.sparkContext().hadoopConfiguration()).latest()
                .orElseThrow().toUri());
        return spark.read().parquet(last.resolve("record-state").toString()).orderBy("id").collectAsList().stream()
                .map(r -> {
                    List<Float> l = r.getList(1);
                    float[] v = new float[l.size()];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = l.get(k);
                    }
                    return v;
                }).toArray(float[][]::new);
    }

    /** The convolutional encoder on the engine: a small ResNet (4x4 images, width 2) trained by iSogCLR. */
    @Test
    void twoWorkersEqualOneWorkerWithTheResnetEncoder(SparkSession spark, @TempDir Path dir) {
        ContrastiveFactory f = factory(TrainContrastiveConfig.ISOGCLR,
                new ContrastiveModelConfig(ContrastiveModelConfig.RESNET, null, 2, 8, 8, 4));
        TrainingResult one = train(spark, dir.resolve("1"), f, f.algorithmState(), 1, 16, 16, false, null);
        TrainingResult two = train(spark, dir.resolve("2"), f, f.algorithmState(), 2, 16, 16, false, null);
        float[] p0 = f.create().params().toFloatVector();
        double moved = 0;
        for (int i = 0; i < p0.length; i++) {
            assertEquals(one.state().params()[i], two.state().params()[i], 2e-5, "parameter " + i);
            moved = Math.max(moved, Math.abs(one.state().params()[i] - p0[i]));
        }
        assertTrue(moved > 1e-3, "training moved the parameters");
    }

    @Test
    void twoWorkersEqualOneWorkerOnTheSameGlobalBatch(SparkSession spark, @TempDir Path dir) {
        for (String method : List.of(TrainContrastiveConfig.SIMCLR, TrainContrastiveConfig.SOGCLR,
                TrainContrastiveConfig.ISOGCLR)) {
            ContrastiveFactory f = factory(method);
            // batch = the whole data set: both runs see the same global batch every step (in another row order,
            // to which the loss is invariant)
            TrainingResult one = train(spark, dir.resolve(method + "-1"), f, f.algorithmState(), 1, 16, 16, false, null);
            TrainingResult two = train(spark, dir.resolve(method + "-2"), f, f.algorithmState(), 2, 16, 16, false, null);
            assertEquals(3, two.state().globalStep());
            float[] p1 = one.state().params();
            float[] p2 = two.state().params();
            float[] p0 = f.create().params().toFloatVector();
            double moved = 0;
            for (int i = 0; i < p1.length; i++) {
                assertEquals(p1[i], p2[i], 2e-5, method + " parameter " + i);
                moved = Math.max(moved, Math.abs(p1[i] - p0[i]));
            }
            assertTrue(moved > 1e-3, "training moved the parameters");
            if (method.equals(TrainContrastiveConfig.SIMCLR)) {
                // SimCLR's NT-Xent on the gathered views: each worker's rows must meet the other worker's rows as
                // negatives and its own other view as the positive; a misaligned gather changes the gradient
                assertEquals(0, f.algorithmState().recordStateWidth(), "simclr keeps no per-record state");
                continue;
            }
            float[][] s1 = recordStates(spark, dir.resolve(method + "-1"));
            float[][] s2 = recordStates(spark, dir.resolve(method + "-2"));
            assertEquals(16, s1.length);
            for (int i = 0; i < 16; i++) {
                assertTrue(s1[i][ContrastiveState.U] > 0, "record " + i + " visited");
                for (int k = 0; k < 4; k++) {
                    assertEquals(s1[i][k], s2[i][k], 1e-4 * Math.max(1, Math.abs(s1[i][k])), method + " record " + i
                            + " state " + k);
                }
                if (method.equals(TrainContrastiveConfig.SOGCLR)) {
                    assertEquals(0.2f, s1[i][ContrastiveState.TAU], "sogclr keeps tau fixed");
                }
            }
            if (method.equals(TrainContrastiveConfig.ISOGCLR)) {
                boolean learned = false;
                for (float[] s : s1) {
                    learned |= Math.abs(s[ContrastiveState.TAU] - 0.2f) > 1e-4;
                }
                assertTrue(learned, "isogclr moved some tau_i");
            }
        }
    }

    @Test
    void aFailedTaskIsRetriedWithoutApplyingAStateUpdateTwice(SparkSession spark, @TempDir Path dir) {
        ContrastiveFactory f = factory(TrainContrastiveConfig.ISOGCLR);
        TrainingResult clean = train(spark, dir.resolve("clean"), new FailingFactory(f), f.algorithmState(), 2, 32, 8,
                false, null);
        FAIL_ONCE.set(true);
        TrainingResult retried = train(spark, dir.resolve("retried"), new FailingFactory(f), f.algorithmState(), 2, 32,
                8, false, null);
        assertFalse(FAIL_ONCE.get(), "the failure was injected");
        assertEquals(12, retried.state().globalStep());
        assertArrayEquals(clean.state().params(), retried.state().params(), 0f);
        float[][] a = recordStates(spark, dir.resolve("clean"));
        float[][] b = recordStates(spark, dir.resolve("retried"));
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], 0f, "record " + i);
        }
    }

    @Test
    void stateSurvivesACrashAndResume(SparkSession spark, @TempDir Path dir) {
        ContrastiveFactory f = factory(TrainContrastiveConfig.ISOGCLR);
        assertThrows(RuntimeException.class, () -> train(spark, dir.resolve("run"), f, f.algorithmState(), 2, 32, 8,
                false, new TrainingListener() {
                    @Override
                    public void onCheckpoint(EngineState state, String path) {
                        if (state.globalStep() == 6) {
                            throw new IllegalStateException("simulated driver crash");
                        }
                    }
                }));
        TrainingResult resumed = train(spark, dir.resolve("run"), f, f.algorithmState(), 2, 32, 8, true, null);
        assertEquals(6, resumed.resumedFromStep());
        TrainingResult clean = train(spark, dir.resolve("clean"), f, f.algorithmState(), 2, 32, 8, false, null);
        assertArrayEquals(clean.state().params(), resumed.state().params(), 0f);
        float[][] a = recordStates(spark, dir.resolve("clean"));
        float[][] b = recordStates(spark, dir.resolve("run"));
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], 0f, "record " + i);
        }
    }
}

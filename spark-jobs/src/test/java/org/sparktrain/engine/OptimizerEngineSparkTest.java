package org.sparktrain.engine;

import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.sparktrain.engine.optim.FlatOptimizer;
import org.sparktrain.engine.optim.TensorLayout;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.testing.TestData;
import org.sparktrain.zoo.ClassifierNetworks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.engine.TrainingEngineSparkTest.D;
import static org.sparktrain.engine.TrainingEngineSparkTest.K;
import static org.sparktrain.engine.TrainingEngineSparkTest.MLP;
import static org.sparktrain.engine.TrainingEngineSparkTest.N;
import static org.sparktrain.engine.TrainingEngineSparkTest.SHAPE;

/**
 * Every optimizer on the real engine (local Spark, the real collective): {@code allreduce} with 2 workers equals one
 * process applying the same optimizer to the combined global batches; the evaluation point (Schedule-Free's x, DoG's
 * x̄) reaches the result and the checkpoints and survives a crash and {@code --resume} exactly; {@code local-sgd}
 * keeps the replicas identical and d non-decreasing.
 */
@ExtendWith(SharedSpark.class)
class OptimizerEngineSparkTest {
    static final int STEPS = 2 * N / 16;

    /** Each type with settings that move the small MLP visibly within 12 steps. */
    static OptimizerConfig config(String type) {
        Map<String, String> set = switch (type) {
            case "adam", "rmsprop" -> Map.of("learningRate", "0.01");
            case "sgd", "nesterovs" -> Map.of("learningRate", "0.1");
            case "dadapt-adam", "dadapt-sgd", "prodigy" -> Map.of("d0", "1e-3");
            case "dog", "ldog" -> Map.of("repsRel", "1e-3");
            case "schedule-free-adamw" -> Map.of("learningRate", "0.01", "warmupSteps", "2");
            default -> Map.of("warmupSteps", "2", "learningRate", "0.3");
        };
        StringBuilder yaml = new StringBuilder("type: " + type);
        set.forEach((k, v) -> yaml.append("\n").append(k).append(": ").append(v));
        return org.sparktrain.config.ConfigLoader.bind(org.sparktrain.config.ConfigLoader.parse(yaml.toString(), "t"),
                OptimizerConfig.class, "t");
    }

    /** One process, all records: the engine's global batches of 2 workers replayed with the same optimizer. */
    static float[][] replay(OptimizerConfig opt, int epochs) {
        MultiLayerNetwork net = ClassifierNetworks.create(MLP, SHAPE, K, 11);
        net.initGradientsView();
        TensorLayout layout = TensorLayout.ofViews(net.paramTable(), net.params());
        FlatOptimizer optimizer = opt.create(net.numParams(), layout, (long) epochs * N / 16);
        float[][] x = TestData.features(N, D, K, 3);
        long step = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            int[][] perms = {EpochSampler.permutation(7L, epoch, 0, N / 2), EpochSampler.permutation(7L, epoch, 1, N / 2)};
            for (int s = 0; s < N / 16; s++, step++) {
                int[] combined = new int[16];
                for (int w = 0; w < 2; w++) {
                    int[] local = EpochSampler.slice(perms[w], s, 8);
                    for (int r = 0; r < 8; r++) {
                        combined[w * 8 + r] = 2 * local[r] + w;
                    }
                }
                DataSet batch = TrainingEngineSparkTest.batchOf(x, combined);
                net.setInput(batch.getFeatures());
                net.setLabels(batch.getLabels());
                net.computeGradientAndScore();
                INDArray mean = net.getFlattenedGradients().dup().divi(16);
                optimizer.step(net.params(), mean, step, epoch);
            }
        }
        return new float[][]{net.params().toFloatVector(), optimizer.evalParams(net.params()).toFloatVector()};
    }

    /** The optimizer of a run on the test MLP, to decode its state. */
    static FlatOptimizer decoder(OptimizerConfig opt) {
        Trainable mlp = new TrainingEngineSparkTest.MlpFactory(11).create();
        return opt.create(mlp.numParams(), mlp.layout(), STEPS);
    }

    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void allreduceWithTwoWorkersEqualsOneProcessOnTheCombinedBatchesForEveryOptimizer(SparkSession spark,
                                                                                     @TempDir Path dir) {
        float[] initial = new TrainingEngineSparkTest.MlpFactory(11).create().params().toFloatVector();
        for (String type : OptimizerConfig.TYPES) {
            OptimizerConfig opt = config(type);
            TrainingResult two = TrainingEngineSparkTest.train(spark, dir.resolve(type),
                    TrainingEngineSparkTest.engine(2, "allreduce", 1, 16, 2, 0), opt, null, false);
            float[][] single = replay(opt, 2);
            assertEquals(STEPS, two.state().globalStep());
            double moved = maxDiff(initial, single[0]);
            double diff = maxDiff(single[0], two.state().params());
            assertTrue(moved > 1e-2, type + ": the run must move the parameters (moved " + moved + ")");
            // float sums in another order (two half-batch sums vs one batch): differences grow with the step sizes
            double tolerance = 5e-6 * Math.max(1, moved);
            assertTrue(diff < tolerance, type + ": 2 workers vs 1 process differ by " + diff + " (moved " + moved + ")");
            assertTrue(maxDiff(single[1], two.evalParams()) < tolerance, type + ": evaluation points differ");
            FlatOptimizer decoded = decoder(opt);
            assertEquals(decoded.separateEvalPoint(), maxDiff(two.evalParams(), two.state().params()) > 0,
                    type + ": a separate evaluation point exactly when the optimizer has one");
        }
    }

    @Test
    void theEvaluationPointIsCheckpointedAndSurvivesACrashAndResumeExactly(SparkSession spark, @TempDir Path dir)
            throws Exception {
        for (String type : List.of("schedule-free-adamw", "ldog")) {
            OptimizerConfig opt = config(type);
            EngineConfig cfg = TrainingEngineSparkTest.engine(2, "allreduce", 1, 16, 2, 4);
            TrainingResult full = TrainingEngineSparkTest.train(spark, dir.resolve(type + "-full"), cfg, opt, null, false);
            Path crashed = dir.resolve(type + "-crashed");
            List<float[]> evalAtEpochEnd = new ArrayList<>();
            assertThrows(RuntimeException.class, () -> TrainingEngineSparkTest.train(spark, crashed, cfg, opt,
                    new TrainingListener() {
                        @Override
                        public void onEpochEnd(int epoch, EngineState state) {
                            evalAtEpochEnd.add(state.evalParams());
                        }

                        @Override
                        public void onCheckpoint(EngineState state, String path) {
                            if (state.globalStep() == 8) {
                                throw new IllegalStateException("simulated driver crash after step 8");
                            }
                        }
                    }, false));
            Path ckpt = crashed.resolve("checkpoints/" + Checkpoints.name(8));
            String meta = Files.readString(ckpt.resolve(DriverOptimizer.META));
            assertTrue(meta.contains("\"type\" : \"" + type + "\""), meta);
            FlatOptimizer decoded = decoder(opt);
            if (decoded.separateEvalPoint()) {
                float[] file = Checkpoints.readFloats(org.apache.hadoop.fs.FileSystem.getLocal(
                        new org.apache.hadoop.conf.Configuration()), new org.apache.hadoop.fs.Path(
                        ckpt.resolve(DriverOptimizer.EVAL_PARAMS).toUri()));
                assertFalse(java.util.Arrays.equals(file, Checkpoints.readFloats(org.apache.hadoop.fs.FileSystem
                                .getLocal(new org.apache.hadoop.conf.Configuration()),
                        new org.apache.hadoop.fs.Path(ckpt.resolve("params.f32").toUri()))), "x differs from y");
                assertFalse(evalAtEpochEnd.isEmpty());
            } else {
                assertFalse(Files.exists(ckpt.resolve(DriverOptimizer.EVAL_PARAMS)));
            }
            TrainingResult resumed = TrainingEngineSparkTest.train(spark, crashed, cfg, opt, null, true);
            assertEquals(8, resumed.resumedFromStep());
            assertArrayEquals(full.state().params(), resumed.state().params(), 0f, type);
            assertArrayEquals(full.state().updaterState(), resumed.state().updaterState(), 0f, type);
            assertArrayEquals(full.evalParams(), resumed.evalParams(), 0f, type);
            // resuming with another optimizer is refused, naming the key
            RuntimeException wrong = assertThrows(RuntimeException.class, () -> TrainingEngineSparkTest.train(spark,
                    crashed, cfg, config("adam"), null, true));
            assertTrue(wrong.getMessage().contains("optimizer.type"), wrong.getMessage());
        }
    }

    @Test
    void localSgdKeepsReplicasIdenticalAndDNonDecreasing(SparkSession spark, @TempDir Path dir) {
        for (String type : List.of("prodigy", "dog")) {
            OptimizerConfig opt = config(type);
            List<Map<String, Double>> scalars = new ArrayList<>();
            FlatOptimizer decoder = decoder(opt);
            // the engine's checksum check fails the run if replicas diverge; every round ends at a sync (H = 2)
            TrainingResult local = TrainingEngineSparkTest.train(spark, dir.resolve(type),
                    TrainingEngineSparkTest.engine(2, "local-sgd", 2, 16, 1, 2), opt, new TrainingListener() {
                        @Override
                        public void onRoundEnd(EngineState state) {
                            decoder.setState(state.updaterState());
                            scalars.add(decoder.scalars());
                        }
                    }, false);
            assertEquals(STEPS / 2, local.state().globalStep());
            assertEquals(STEPS / 4, scalars.size());
            String key = scalars.get(0).containsKey("d") ? "d" : scalars.get(0).containsKey("rbar") ? "rbar" : "k";
            for (int i = 1; i < scalars.size(); i++) {
                assertTrue(scalars.get(i).get(key) >= scalars.get(i - 1).get(key), type + ": " + key
                        + " decreased after sync " + i + ": " + scalars);
            }
            assertEquals(STEPS / 2, scalars.get(scalars.size() - 1).get("k"), type + ": step count");
        }
    }
}

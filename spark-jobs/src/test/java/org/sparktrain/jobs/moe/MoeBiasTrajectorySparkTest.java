package org.sparktrain.jobs.moe;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.EngineState;
import org.sparktrain.engine.EpochSampler;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingListener;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.engine.optim.FlatOptimizer;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.testing.TestData;
import org.sparktrain.zoo.moe.MaxVio;
import org.sparktrain.zoo.moe.MoeClassifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Global load counts: with 2 workers, each step's per-expert loads are summed over both workers (and over each
 * worker's micro-batches) before the loss-free bias update, and every replica applies it. The test replays the
 * same global batches on one model in a plain loop (one "worker" holding the combined batch, its own bias update)
 * and requires the same loads at every step, the same bias after every step, and the same parameters.
 */
@ExtendWith(SharedSpark.class)
class MoeBiasTrajectorySparkTest {
    static final int N = 64;
    static final int D = 12;
    static final int K = 3;
    static final int BATCH = 16;
    static final int EPOCHS = 2;
    static final MoeModelConfig MODEL = new MoeModelConfig(null, 8, 2, 4, 2, 8, 1, 4, "sigmoid", false, null, 4, null);
    static final BalancingConfig BALANCING = BalancingConfig.of(BalancingConfig.LOSS_FREE, 0.02, 0);
    static final OptimizerConfig SGD = OptimizerConfig.of("sgd", 0.1);

    @Test
    void biasTrajectoryWithTwoWorkersEqualsOneModelOnTheSameGlobalBatches(SparkSession spark, @TempDir Path dir) {
        MoeClassifierFactory factory = new MoeClassifierFactory(MODEL, BALANCING, D, K, 11);
        MoeBalancingState state = factory.state();
        int loads = state.loadsSize();
        Map<Long, double[]> stepLoads = new ConcurrentSkipListMap<>();
        List<float[]> engineBias = new ArrayList<>();
        // checkpointEvery = 1: every round is one step, so onRoundEnd sees the bias after every step
        EngineConfig cfg = new EngineConfig(2, "allreduce", 1, BATCH, EPOCHS, 7L, 1, 1, 1, 1, 60, 10, 0);
        TrainingSpec spec = new TrainingSpec("moe", dir.toString(), TestData.blobs(spark, N, D, K, 3), "blobs",
                List.of(ColumnSpec.of("features", D), ColumnSpec.of("label", 1)), factory, state, false,
                new TrainingListener() {
                    @Override
                    public void onStep(long step, double lossSum, double weight, double[] stats) {
                        stepLoads.put(step, Arrays.copyOf(stats, loads));
                    }

                    @Override
                    public void onRoundEnd(EngineState s) {
                        engineBias.add(s.globalState().clone());
                    }
                }, null);
        TrainingResult two = new TrainingEngine(spark, cfg, SGD).train(spec);
        int steps = EPOCHS * N / BATCH;
        assertEquals(steps, two.state().globalStep());
        assertEquals(steps, engineBias.size());

        // the replay: one model, the combined batch of both workers, the same SGD rule and bias update
        MoeClassifier model = factory.createModel();
        INDArray params = model.params().castTo(DataType.FLOAT);
        FlatOptimizer sgd = SGD.create(model.numParams(), org.sparktrain.engine.optim.TensorLayout.single(model.numParams()), steps);
        float[][] x = TestData.features(N, D, K, 3);
        float[] bias = new float[loads];
        int step = 0;
        int biasMoves = 0;
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            // worker w holds ids w, w+2, ... (rank mod 2), in id order
            int[][] perms = {EpochSampler.permutation(7L, epoch, 0, N / 2), EpochSampler.permutation(7L, epoch, 1, N / 2)};
            for (int s = 0; s < N / BATCH; s++, step++) {
                double[][] xb = new double[BATCH][];
                int[] yb = new int[BATCH];
                int row = 0;
                for (int w = 0; w < 2; w++) {
                    for (int p : EpochSampler.slice(perms[w], s, BATCH / 2)) {
                        int id = 2 * p + w;
                        xb[row] = new double[D];
                        for (int j = 0; j < D; j++) {
                            xb[row][j] = x[id][j];
                        }
                        yb[row++] = id % K;
                    }
                }
                model.params().assign(params.castTo(DataType.DOUBLE));
                INDArray grad = Nd4j.zeros(DataType.DOUBLE, 1, model.numParams());
                MoeClassifier.Step r = model.computeGradient(Nd4j.createFromArray(xb), yb, state.biases(bias), null, grad);
                double[] counts = new double[loads];
                for (int l = 0; l < MODEL.layers(); l++) {
                    for (int i = 0; i < MODEL.experts(); i++) {
                        counts[l * MODEL.experts() + i] = r.counts()[l][i];
                    }
                }
                assertArrayEquals(counts, stepLoads.get((long) step), "loads of step " + step);
                sgd.step(params, grad.castTo(DataType.FLOAT).divi(BATCH), step, epoch);
                float[] before = bias.clone();
                state.onSync(bias, counts, step);
                biasMoves += Arrays.equals(before, bias) ? 0 : 1;
                assertArrayEquals(bias, engineBias.get(step), "bias after step " + step);
            }
        }
        assertEquals(steps, biasMoves, "the bias moved at every step");
        assertArrayEquals(params.toFloatVector(), two.state().params(), 1e-5f);
        // the bias is checkpointed with the run (global.f32 of the newest checkpoint), so --resume continues from it
        org.sparktrain.engine.Checkpoints checkpoints = new org.sparktrain.engine.Checkpoints(dir.toString(),
                spark.sparkContext().hadoopConfiguration());
        EngineState saved = checkpoints.read(checkpoints.latest().orElseThrow(),
                new org.sparktrain.engine.Checkpoints.Layout(2, BATCH, 7L, model.numParams()));
        assertEquals(steps, saved.globalStep());
        assertArrayEquals(bias, saved.globalState(), "checkpointed bias");
        System.out.printf("2 workers == 1 model: %d steps, final bias %s, last MaxVio_batch %.3f%n", steps,
                Arrays.toString(bias), MaxVio.meanOverLayers(stepLoads.get((long) steps - 1), MODEL.layers(), MODEL.experts()));
        // the biases were exactly ± u per step: every value is a multiple of u
        for (float b : bias) {
            double k = b / 0.02;
            assertTrue(Math.abs(k - Math.rint(k)) < 1e-3, "bias " + b + " is a multiple of u");
        }
    }
}

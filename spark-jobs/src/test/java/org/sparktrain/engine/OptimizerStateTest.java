package org.sparktrain.engine;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.optim.FlatOptimizer;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * For every optimizer type: the state written to a checkpoint file mid-run and restored into a fresh instance
 * continues the uninterrupted trajectory bit for bit; and the local-sgd synchronisation leaves replicas that took
 * different steps with identical state (averaged slots averaged, anchors and counters from worker 0).
 */
class OptimizerStateTest {
    static final LeastSquares PROBLEM = new LeastSquares(60, 5, 7, 0.3, 1);
    static final int STEPS = 12;

    @BeforeAll
    static void oneThread() {
        NativeThreads.configure(1);
    }

    /** Each type with non-default settings that exercise more of its state (schedules, decay, momentum). */
    static List<OptimizerConfig> configs() {
        return OptimizerConfig.TYPES.stream().map(t -> switch (t) {
            case "adam", "sgd", "nesterovs", "rmsprop", "dadapt-adam", "dadapt-sgd", "dog", "ldog" ->
                    OptimizerConfig.defaults(t).withSchedule("cosine", 2);
            case "prodigy" -> new OptimizerConfig(t, null, null, null, null, null, "cosine", null, 0.01, null, true,
                    null, null, 1.1, null, null, null, null, null, null, null, 3);
            default -> OptimizerConfig.defaults(t).withSchedule("constant", 3);
        }).toList();
    }

    static FlatOptimizer create(OptimizerConfig c) {
        return c.create(PROBLEM.numParams(), PROBLEM.layout(), STEPS);
    }

    static void run(FlatOptimizer opt, INDArray params, int from, int to, double gradScale) {
        for (int k = from; k < to; k++) {
            double[] g = PROBLEM.gradient(LeastSquares.doubles(params));
            for (int i = 0; i < g.length; i++) {
                g[i] *= gradScale;
            }
            opt.step(params, LeastSquares.floats(g), k, 0);
        }
    }

    @Test
    void stateRestoredFromACheckpointFileContinuesTheTrajectoryExactly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        for (OptimizerConfig c : configs()) {
            FlatOptimizer straight = create(c);
            INDArray p1 = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, PROBLEM.numParams());
            run(straight, p1, 0, STEPS, 1);

            FlatOptimizer first = create(c);
            INDArray p2 = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, PROBLEM.numParams());
            run(first, p2, 0, STEPS / 2, 1);
            Path file = new Path(dir.toUri().toString(), c.type() + ".f32");
            Checkpoints.writeFloats(fs, file, first.state());
            float[] saved = p2.toFloatVector();
            FlatOptimizer resumed = create(c);
            resumed.setState(Checkpoints.readFloats(fs, file));
            INDArray p3 = Nd4j.createFromArray(saved);
            run(resumed, p3, STEPS / 2, STEPS, 1);

            assertArrayEquals(p1.toFloatVector(), p3.toFloatVector(), 0f, c.type() + ": parameters");
            assertArrayEquals(straight.state(), resumed.state(), 0f, c.type() + ": state");
            assertArrayEquals(straight.evalParams(p1).toFloatVector(), resumed.evalParams(p3).toFloatVector(), 0f,
                    c.type() + ": evaluation point");
            assertEquals(straight.scalars(), resumed.scalars(), c.type() + ": scalars");
        }
    }

    @Test
    void localSgdSynchronisationLeavesIdenticalReplicas() {
        for (OptimizerConfig c : configs()) {
            FlatOptimizer[] replicas = {create(c), create(c)};
            INDArray[] params = new INDArray[2];
            for (int w = 0; w < 2; w++) {
                params[w] = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, PROBLEM.numParams());
                // different local gradients (a stand-in for different shards); worker 1 skips the last step
                run(replicas[w], params[w], 0, w == 0 ? 4 : 3, w == 0 ? 1 : 1.7);
            }
            Map<String, Double> s0 = replicas[0].scalars();
            Map<String, Double> s1 = replicas[1].scalars();
            FlatOptimizer.SyncPart a = replicas[0].syncContribution(true);
            FlatOptimizer.SyncPart b = replicas[1].syncContribution(false);
            float[] fs = new float[a.floats().length];
            double[] ds = new double[a.doubles().length];
            for (int i = 0; i < fs.length; i++) {
                fs[i] = (float) ((double) a.floats()[i] + b.floats()[i]);
            }
            for (int i = 0; i < ds.length; i++) {
                ds[i] = a.doubles()[i] + b.doubles()[i];
            }
            for (FlatOptimizer r : replicas) {
                r.applySyncSums(new FlatOptimizer.SyncPart(fs.clone(), ds.clone()), 2);
            }
            assertArrayEquals(replicas[0].state(), replicas[1].state(), 0f, c.type() + ": replicas' state");
            Map<String, Double> after = replicas[0].scalars();
            for (Map.Entry<String, Double> e : after.entrySet()) {
                String name = e.getKey();
                boolean leader = name.equals("k") || name.equals("wsum") || name.equals("lrMax");
                double expected = leader ? s0.get(name) : (s0.get(name) + s1.get(name)) / 2;
                assertEquals(expected, e.getValue(), 1e-15 * Math.abs(expected), c.type() + ": " + name);
            }
            if (after.containsKey("d")) {
                assertTrue(after.get("d") >= Math.min(s0.get("d"), s1.get("d")), "averaged d stays monotone");
            }
        }
    }
}

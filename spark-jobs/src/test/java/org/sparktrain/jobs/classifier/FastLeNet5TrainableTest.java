package org.sparktrain.jobs.classifier;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.engine.AlgorithmState;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.Shard;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;
import org.sparktrain.zoo.ClassifierModelConfig;
import org.sparktrain.zoo.ImageShape;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's fast LeNet-5 computes DL4J's LeNet-5 loss and gradient on the same parameters and batch, unweighted
 * and with per-record weights.
 */
class FastLeNet5TrainableTest {
    @Test
    void fastAndDl4jLeNet5AgreeOnLossGradientAndLayout() {
        ImageShape shape = new ImageShape(1, 28, 28);
        int n = 24, k = 10, d = shape.size();
        SplittableRandom rnd = new SplittableRandom(3);
        float[] features = new float[n * d];
        float[] labels = new float[n];
        float[] weights = new float[n];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) rnd.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            labels[i] = i % k;
            weights[i] = 0.25f + (float) rnd.nextDouble() * 3;
        }
        long[] ids = new long[n];
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
            positions[i] = i;
        }
        Shard shard = new Shard(0, ids, List.of(ColumnSpec.of("features", d), ColumnSpec.of("label", 1),
                ColumnSpec.of("weight", 1)), new float[][]{features, labels, weights});
        Batch batch = new Batch(shard, positions);
        for (String weightColumn : new String[]{null, "weight"}) {
            compare(batch, shape, k, n, weightColumn);
        }
    }

    static void compare(Batch batch, ImageShape shape, int k, int n, String weightColumn) {
        double scale = weightColumn == null ? 1 : 0.7;
        ClassifierFactory fast = new ClassifierFactory(new ClassifierModelConfig("lenet5", null, "fast"), shape, k, 5,
                weightColumn, scale);
        ClassifierFactory dl4j = new ClassifierFactory(new ClassifierModelConfig("lenet5", null, "dl4j"), shape, k, 5,
                weightColumn, scale);
        try (Trainable a = fast.create(); Trainable b = dl4j.create()) {
            assertInstanceOf(FastLeNet5Trainable.class, a);
            assertEquals(61_706, a.numParams());
            assertEquals(b.numParams(), a.numParams());
            a.params().assign(b.params());
            StepContext ctx = StepContext.standalone(0, 0, AlgorithmState.NONE, batch, n);
            double la = a.computeGradient(batch, ctx).lossSum();
            double lb = b.computeGradient(batch, ctx).lossSum();
            assertEquals(lb, la, 1e-4 * Math.abs(lb), "loss sum, weights " + weightColumn);
            INDArray ga = a.gradient(), gb = b.gradient();
            double rel = ga.sub(gb).norm2Number().doubleValue() / gb.norm2Number().doubleValue();
            assertTrue(rel < 1e-4, "relative gradient difference " + rel + ", weights " + weightColumn);
            assertEquals(b.layout(), a.layout());
        }
    }
}

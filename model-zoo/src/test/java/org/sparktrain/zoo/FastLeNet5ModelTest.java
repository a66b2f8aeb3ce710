package org.sparktrain.zoo;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FastLeNet5Model} computes DL4J's LeNet-5 ({@link LeNet5Model}): same parameter layout, outputs, summed loss
 * and summed gradient (float, on whichever nd4j-native build is on the class path: the oneDNN kernels under
 * {@code -Ponednn}, libnd4j's generic ones otherwise), and its gradient is the derivative of its loss (central
 * finite differences in double precision, which run on the generic kernels).
 */
class FastLeNet5ModelTest {

    @ParameterizedTest(name = "{0}x{1}x{2}, K={3}")
    @CsvSource({"1, 28, 28, 10", "3, 32, 32, 10", "2, 13, 15, 4", "1, 12, 12, 3"})
    void parameterCountAndLayoutAreDl4js(int c, int h, int w, int k) {
        ImageShape shape = new ImageShape(c, h, w);
        MultiLayerNetwork net = ClassifierNetworks.create(ClassifierModelConfig.defaults(), shape, k, 5);
        assertEquals(net.numParams(), FastLeNet5Model.numParams(shape, k));
        // each of our blocks is the view of DL4J's parameter with that name (DL4J layers 1 and 3 are the pools)
        LeNet5Geometry.Blocks b = LeNet5Geometry.of(shape, k).blocks(net.params());
        Map<String, INDArray> table = net.paramTable();
        assertEquals(table.get("0_b").reshape(-1), b.b1().reshape(-1));
        assertEquals(table.get("0_W"), b.w1());
        assertEquals(table.get("2_b").reshape(-1), b.b2().reshape(-1));
        assertEquals(table.get("2_W"), b.w2());
        assertEquals(table.get("4_W"), b.w3());
        assertEquals(table.get("4_b").reshape(-1), b.b3().reshape(-1));
        assertEquals(table.get("5_W"), b.w4());
        assertEquals(table.get("5_b").reshape(-1), b.b4().reshape(-1));
        assertEquals(table.get("6_W"), b.w5());
        assertEquals(table.get("6_b").reshape(-1), b.b5().reshape(-1));
        assertEquals(61_706, FastLeNet5Model.numParams(new ImageShape(1, 28, 28), 10));
    }

    /**
     * Loss sum, gradient and probabilities equal DL4J's computeGradientAndScore / output to float rounding. "Sparse"
     * inputs are MNIST-like (70% exact zeros, one blank image) with positive biases, so max-pooling sees ties.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}, batch {3}, {4} thread(s), sparse {5}")
    @CsvSource({"1, 28, 28, 16, 1, false", "1, 28, 28, 16, 1, true", "1, 28, 28, 9, 2, true", "3, 32, 32, 6, 1, false",
            "2, 13, 15, 5, 2, false"})
    void matchesDl4jLeNet5(int c, int h, int w, int batch, int threads, boolean sparse) {
        ImageShape shape = new ImageShape(c, h, w);
        int k = 10;
        MultiLayerNetwork net = ClassifierNetworks.create(ClassifierModelConfig.defaults(), shape, k, 11);
        try (FastLeNet5Model model = new FastLeNet5Model(shape, k, 99, DataType.FLOAT, threads)) {
            if (sparse) {
                LeNet5Geometry.Blocks b = LeNet5Geometry.of(shape, k).blocks(net.params());
                b.b1().assign(0.05);
                b.b2().assign(0.02);
            }
            model.params().assign(net.params());
            INDArray gradient = Nd4j.create(DataType.FLOAT, 1, model.numParams());
            // a second, smaller batch exercises the per-batch-size buffers; the third reuses the first's
            for (int rows : new int[]{batch, batch / 2 + 1, batch}) {
                INDArray x = features(rows, shape.size(), rows + 17L);
                if (sparse) {
                    x.muli(x.gt(0.7).castTo(DataType.FLOAT));
                    x.getRow(0).assign(0);
                }
                INDArray y = oneHot(rows, k, rows);
                net.setInput(x);
                net.setLabels(y);
                net.computeGradientAndScore();
                double dl4jLossSum = net.score() * rows;
                INDArray dl4jGradient = net.getFlattenedGradients();

                double lossSum = model.computeGradient(x, y, gradient);
                assertEquals(lossSum, model.loss(x, y), 1e-6 * lossSum, "loss() is computeGradient's loss");

                assertEquals(dl4jLossSum, lossSum, 1e-5 * Math.abs(dl4jLossSum), "loss sum");
                double scale = dl4jGradient.amaxNumber().doubleValue();
                assertTrue(scale > 0.1, "a non-trivial gradient");
                double maxDiff = gradient.sub(dl4jGradient).amaxNumber().doubleValue();
                assertTrue(maxDiff <= 1e-5 * scale, "gradient max |diff| " + maxDiff + " vs max |g| " + scale);
                double relL2 = gradient.sub(dl4jGradient).norm2Number().doubleValue() / dl4jGradient.norm2Number().doubleValue();
                assertTrue(relL2 <= 2e-6, "gradient relative L2 error " + relL2);

                INDArray p = model.output(x);
                INDArray dl4jP = net.output(x);
                assertArrayEquals(dl4jP.shape(), p.shape());
                assertTrue(Transforms.abs(p.sub(dl4jP)).maxNumber().doubleValue() <= 2e-6, "probabilities");
            }
        }
    }

    /**
     * dL/dtheta against central differences (L(theta + eps e_i) - L(theta - eps e_i)) / 2 eps in double precision on
     * a batch of 2 (one one-hot row, one soft-label row): every parameter of the small blocks and 30 random ones of
     * each large block, so every op of the forward and backward pass is checked.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}, K={3}")
    @CsvSource({"1, 12, 12, 3", "2, 13, 14, 4"})
    void gradientIsTheDerivativeOfTheLoss(int c, int h, int w, int k) {
        ImageShape shape = new ImageShape(c, h, w);
        try (FastLeNet5Model model = new FastLeNet5Model(shape, k, 3, DataType.DOUBLE, 1)) {
            // larger biases than the zero initialisation so every bias block matters for ReLU/max-pool choices
            model.params().addi(Nd4j.rand(DataType.DOUBLE, 1, model.numParams()).subi(0.5).muli(0.2));
            INDArray x = features(2, shape.size(), 5).castTo(DataType.DOUBLE);
            INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, k);
            y.putScalar(0, 1, 1.0);
            y.putScalar(1, 0, 0.25);
            y.putScalar(1, k - 1, 0.75);
            INDArray gradient = Nd4j.create(DataType.DOUBLE, 1, model.numParams());
            model.computeGradient(x, y, gradient);
            double[] analytic = gradient.toDoubleVector();
            LeNet5Geometry geo = LeNet5Geometry.of(shape, k);
            INDArray index = Nd4j.linspace(DataType.DOUBLE, 0, geo.numParams(), 1).reshape(1, geo.numParams());
            LeNet5Geometry.Blocks blocks = geo.blocks(index);
            INDArray[] all = {blocks.b1(), blocks.w1(), blocks.b2(), blocks.w2(), blocks.w3(), blocks.b3(),
                    blocks.w4(), blocks.b4(), blocks.w5(), blocks.b5()};
            String[] names = {"b1", "W1", "b2", "W2", "W3", "b3", "W4", "b4", "W5", "b5"};
            SplittableRandom rnd = new SplittableRandom(7);
            double eps = 1e-6;
            for (int blk = 0; blk < all.length; blk++) {
                double[] ids = all[blk].dup('c').reshape(-1).toDoubleVector();
                int checks = ids.length <= 160 ? ids.length : 30;
                double maxAbsGrad = 0;
                for (int n = 0; n < checks; n++) {
                    int i = (int) ids[checks == ids.length ? n : rnd.nextInt(ids.length)];
                    double theta = model.params().getDouble(0, i);
                    model.params().putScalar(0, i, theta + eps);
                    double up = model.loss(x, y);
                    model.params().putScalar(0, i, theta - eps);
                    double down = model.loss(x, y);
                    model.params().putScalar(0, i, theta);
                    double numeric = (up - down) / (2 * eps);
                    assertEquals(numeric, analytic[i], 1e-6 + 1e-5 * Math.abs(numeric),
                            names[blk] + " parameter " + i);
                    maxAbsGrad = Math.max(maxAbsGrad, Math.abs(analytic[i]));
                }
                assertTrue(maxAbsGrad > 1e-4, names[blk] + " gradient is not all zero: " + maxAbsGrad);
            }
        }
    }

    @Test
    void splittingABatchOverThreadsSumsTheSameGradient() {
        ImageShape shape = new ImageShape(1, 28, 28);
        try (FastLeNet5Model one = new FastLeNet5Model(shape, 10, 4, DataType.FLOAT, 1);
             FastLeNet5Model three = new FastLeNet5Model(shape, 10, 4, DataType.FLOAT, 3)) {
            INDArray x = features(20, shape.size(), 1);
            INDArray y = oneHot(20, 10, 3);
            INDArray g1 = Nd4j.create(DataType.FLOAT, 1, one.numParams());
            INDArray g3 = Nd4j.create(DataType.FLOAT, 1, one.numParams());
            double l1 = one.computeGradient(x, y, g1);
            double l3 = three.computeGradient(x, y, g3);
            assertEquals(l1, l3, 1e-5 * l1);
            assertTrue(g1.sub(g3).amaxNumber().doubleValue() <= 1e-5 * g1.amaxNumber().doubleValue());
            // fewer rows than threads, and a batch of one
            assertEquals(one.computeGradient(x.getRows(0, 1), y.getRows(0, 1), g1),
                    three.computeGradient(x.getRows(0, 1), y.getRows(0, 1), g3), 1e-5);
            assertEquals(one.computeGradient(x.getRows(5), y.getRows(5), g1),
                    three.computeGradient(x.getRows(5), y.getRows(5), g3), 1e-5);
        }
    }

    @Test
    void sameSeedSameParametersAndHeScale() {
        ImageShape shape = new ImageShape(1, 28, 28);
        try (FastLeNet5Model a = new FastLeNet5Model(shape, 10, 42);
             FastLeNet5Model b = new FastLeNet5Model(shape, 10, 42);
             FastLeNet5Model c = new FastLeNet5Model(shape, 10, 43)) {
            assertEquals(a.params(), b.params());
            assertTrue(a.params().sub(c.params()).amaxNumber().doubleValue() > 0);
            LeNet5Geometry.Blocks blocks = LeNet5Geometry.of(shape, 10).blocks(a.params());
            assertEquals(0.0, blocks.b3().amaxNumber().doubleValue());
            // He: std sqrt(2 / 400) for the 48,000 weights of the first dense layer
            assertEquals(Math.sqrt(2.0 / 400), blocks.w3().stdNumber().doubleValue(), 0.003);
        }
    }

    @Test
    void aFewSgdStepsLowerTheLoss() {
        ImageShape shape = new ImageShape(1, 16, 16);
        try (FastLeNet5Model model = new FastLeNet5Model(shape, 10, 8)) {
            INDArray x = features(32, shape.size(), 9);
            INDArray y = oneHot(32, 10, 0);
            INDArray g = Nd4j.create(DataType.FLOAT, 1, model.numParams());
            double first = model.computeGradient(x, y, g);
            double last = first;
            for (int step = 0; step < 30; step++) {
                model.params().subi(g.muli(0.03 / 32));
                last = model.computeGradient(x, y, g);
            }
            assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
        }
    }

    @Test
    void emptyBatchAndBadShapes() {
        ImageShape shape = new ImageShape(1, 28, 28);
        try (FastLeNet5Model model = new FastLeNet5Model(shape, 10, 1)) {
            INDArray g = Nd4j.ones(DataType.FLOAT, 1, model.numParams());
            assertEquals(0.0, model.computeGradient(Nd4j.create(DataType.FLOAT, 0, 784),
                    Nd4j.create(DataType.FLOAT, 0, 10), g));
            assertEquals(0.0, g.amaxNumber().doubleValue());
            IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                    () -> model.computeGradient(Nd4j.create(DataType.FLOAT, 2, 783), oneHot(2, 10, 0), g));
            assertTrue(f.getMessage().startsWith("features: expected shape [B, 784]"), f.getMessage());
            IllegalArgumentException l = assertThrows(IllegalArgumentException.class,
                    () -> model.computeGradient(features(2, 784, 0), oneHot(3, 10, 0), g));
            assertTrue(l.getMessage().startsWith("labels:"), l.getMessage());
            IllegalArgumentException o = assertThrows(IllegalArgumentException.class,
                    () -> model.computeGradient(features(2, 784, 0), oneHot(2, 10, 0), Nd4j.create(DataType.FLOAT, 1, 5)));
            assertTrue(o.getMessage().startsWith("gradientOut:"), o.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new FastLeNet5Model(new ImageShape(1, 10, 28), 10, 1));
        }
    }

    static INDArray features(int rows, int width, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[rows * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextDouble();
        }
        return Nd4j.create(v, new long[]{rows, width}, 'c');
    }

    static INDArray oneHot(int rows, int k, int offset) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, k);
        for (int r = 0; r < rows; r++) {
            y.putScalar(r, (r * 7 + offset) % k, 1f);
        }
        return y;
    }
}

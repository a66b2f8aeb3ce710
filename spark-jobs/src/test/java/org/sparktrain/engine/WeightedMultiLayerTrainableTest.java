package org.sparktrain.engine;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.zoo.ClassifierModelConfig;
import org.sparktrain.zoo.ClassifierNetworks;
import org.sparktrain.zoo.ImageShape;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The weighted loss of {@link MultiLayerTrainable}: Σ_i s·w_i·ℓ_i with ℓ_i = −ln softmax(x_i)_{y_i} computed here by
 * hand from the network's probabilities, and its gradient equal to Σ_i s·w_i·∇ℓ_i built from one unweighted
 * single-record gradient per record. Without a weight column the result is the plain loss sum, and weights of 1 with
 * scale 1 give bit-identical loss and gradient.
 */
class WeightedMultiLayerTrainableTest {
    private static final int D = 4;
    private static final int K = 3;
    private static final ClassifierModelConfig MLP = new ClassifierModelConfig("mlp", List.of(5));
    private static final float[][] X = {{0.1f, -0.4f, 0.8f, 0.3f}, {1.2f, 0.5f, -0.7f, 0.0f},
            {-0.3f, 0.9f, 0.2f, -1.1f}, {0.6f, 0.6f, 0.6f, 0.6f}};
    private static final int[] Y = {2, 0, 1, 2};
    private static final float[] W = {0.5f, 2.0f, 1.5f, 3.0f};
    private static final List<ColumnSpec> COLUMNS = List.of(ColumnSpec.of("features", D), ColumnSpec.of("label", 1),
            ColumnSpec.of("weight", 1));

    private static MultiLayerNetwork net() {
        return ClassifierNetworks.create(MLP, new ImageShape(1, 1, D), K, 5);
    }

    private static Shard shard(float[] weights) {
        float[] f = new float[X.length * D];
        float[] y = new float[X.length];
        for (int i = 0; i < X.length; i++) {
            System.arraycopy(X[i], 0, f, i * D, D);
            y[i] = Y[i];
        }
        return new Shard(0, new long[]{0, 1, 2, 3}, COLUMNS, new float[][]{f, y, weights});
    }

    private static Batch all(Shard s) {
        return new Batch(s, new int[]{0, 1, 2, 3});
    }

    @Test
    void weightedLossAndGradientEqualAHandComputation() {
        double scale = 0.75;
        MultiLayerTrainable weighted = new MultiLayerTrainable(net(), K, "weight", scale);
        Trainable.StepResult r = weighted.computeGradient(all(shard(W)), null);
        double[] g = weighted.gradient().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();

        MultiLayerNetwork plain = net();
        INDArray probabilities = plain.output(Nd4j.createFromArray(X), false);
        double expectedLoss = 0;
        double[] expectedGradient = new double[g.length];
        MultiLayerTrainable single = new MultiLayerTrainable(net(), K);
        for (int i = 0; i < X.length; i++) {
            double ce = -Math.log(probabilities.getDouble(i, Y[i]));
            expectedLoss += scale * W[i] * ce;
            Trainable.StepResult one = single.computeGradient(new Batch(shard(W), new int[]{i}), null);
            assertEquals(ce, one.lossSum(), 1e-5, "record " + i);
            double[] gi = single.gradient().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
            for (int j = 0; j < gi.length; j++) {
                expectedGradient[j] += scale * W[i] * gi[j];
            }
        }
        assertEquals(4, r.weight());
        assertEquals(expectedLoss, r.lossSum(), 1e-5);
        assertArrayEquals(expectedGradient, g, 1e-5);
        // the weights change the result: the unweighted loss sum differs
        double unweighted = new MultiLayerTrainable(net(), K).computeGradient(all(shard(W)), null).lossSum();
        assertEquals(true, Math.abs(unweighted - expectedLoss) > 0.1, unweighted + " vs " + expectedLoss);
    }

    /** Central finite differences in double precision against the analytic gradient w.r.t. the pre-output. */
    @Test
    void weightedCrossEntropyGradientMatchesFiniteDifferences() {
        WeightedCrossEntropyLoss loss = new WeightedCrossEntropyLoss();
        org.nd4j.linalg.activations.IActivation softmax = new org.nd4j.linalg.activations.impl.ActivationSoftmax();
        INDArray z = Nd4j.createFromArray(new double[][]{{0.3, -1.2, 0.8}, {2.0, 0.1, -0.5}});
        INDArray labels = Nd4j.createFromArray(new double[][]{{0, 0, 2.5}, {0.4, 0, 0}});
        // hand value: 2.5·(−ln softmax(z_0)_2) + 0.4·(−ln softmax(z_1)_0)
        double l0 = -Math.log(Math.exp(0.8) / (Math.exp(0.3) + Math.exp(-1.2) + Math.exp(0.8)));
        double l1 = -Math.log(Math.exp(2.0) / (Math.exp(2.0) + Math.exp(0.1) + Math.exp(-0.5)));
        assertEquals(2.5 * l0 + 0.4 * l1, loss.computeScore(labels, z, softmax, null, false), 1e-12);
        INDArray g = loss.computeGradient(labels, z, softmax, null);
        double h = 1e-6;
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                INDArray plus = z.dup();
                plus.putScalar(i, j, z.getDouble(i, j) + h);
                INDArray minus = z.dup();
                minus.putScalar(i, j, z.getDouble(i, j) - h);
                double fd = (loss.computeScore(labels, plus, softmax, null, false)
                        - loss.computeScore(labels, minus, softmax, null, false)) / (2 * h);
                assertEquals(fd, g.getDouble(i, j), 1e-8, "d/dz[" + i + "," + j + "]");
            }
        }
    }

    @Test
    void unitWeightsGiveExactlyTheUnweightedLossAndGradient() {
        MultiLayerTrainable unweighted = new MultiLayerTrainable(net(), K);
        Trainable.StepResult a = unweighted.computeGradient(all(shard(W)), null);
        float[] ga = unweighted.gradient().toFloatVector();
        MultiLayerTrainable ones = new MultiLayerTrainable(net(), K, "weight", 1.0);
        Trainable.StepResult b = ones.computeGradient(all(shard(new float[]{1, 1, 1, 1})), null);
        assertEquals(a.lossSum(), b.lossSum(), 0.0);
        assertArrayEquals(ga, ones.gradient().toFloatVector(), 0f);
        // and the mask does not stick to the network: the next unweighted call on it is unweighted again
        MultiLayerTrainable reused = new MultiLayerTrainable(ones.network(), K);
        assertEquals(a.lossSum(), reused.computeGradient(all(shard(W)), null).lossSum(), 0.0);
    }
}

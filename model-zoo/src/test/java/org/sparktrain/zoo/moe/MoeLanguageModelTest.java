package org.sparktrain.zoo.moe;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MoeLanguageModel}: central finite differences in double precision against the hand-written backward pass of
 * the whole model (embeddings, positions, RMSNorms, causal token mixing, MoE layers with a shared expert, non-zero
 * routing biases and the per-window aux loss, output layer), causality, and hand-computed losses.
 */
class MoeLanguageModelTest {
    static final double EPS = 1e-6;

    @BeforeAll
    static void oneNativeThread() {
        Nd4j.create(1);
        org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    }

    static MoeLanguageModel tiny(long seed) {
        MoeLayerConfig layer = new MoeLayerConfig(4, 4, 2, 3, 1, 2, RouterScore.SIGMOID, false, null);
        return new MoeLanguageModel(7, 4, 2, layer, seed);
    }

    static final int[][] WINDOWS = {{0, 3, 5, 1, 6}, {2, 2, 4, 6, 0}, {5, 1, 0, 3, 3}};
    static final double[][] BIAS = {{0.1, -0.2, 0.0, 0.05}, {-0.1, 0.0, 0.2, 0.0}};

    @Test
    void wholeModelGradientMatchesFiniteDifferences() {
        MoeLanguageModel model = tiny(11);
        INDArray p = model.params();
        // move every parameter off its initial value (gains 1, biases 0, the running-mean mixing) so that no term of
        // the backward pass is checked only at a special point
        Random rng = new Random(3);
        for (long i = 0; i < p.length(); i++) {
            p.putScalar(0, i, p.getDouble(0, i) + 0.05 * rng.nextGaussian());
        }
        AuxBalanceLoss aux = new AuxBalanceLoss(0.05, false);
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 1, model.numParams());
        MoeLanguageModel.Step step = model.computeGradient(WINDOWS, BIAS, aux, grad);
        assertTrue(step.auxTerm() > 0);
        assertEquals(12, step.tokens());
        assertEquals(step.ceSum() + step.auxTerm(), step.lossSum(), 1e-12);
        double maxRel = 0;
        int checked = 0;
        for (long i = 0; i < model.numParams(); i++) {
            double orig = p.getDouble(0, i);
            p.putScalar(0, i, orig + EPS);
            MoeLanguageModel.Step plus = model.computeGradient(WINDOWS, BIAS, aux, Nd4j.zeros(DataType.DOUBLE, 1, model.numParams()));
            p.putScalar(0, i, orig - EPS);
            MoeLanguageModel.Step minus = model.computeGradient(WINDOWS, BIAS, aux, Nd4j.zeros(DataType.DOUBLE, 1, model.numParams()));
            p.putScalar(0, i, orig);
            for (int l = 0; l < 2; l++) {
                assertArrayEquals(step.counts()[l], plus.counts()[l], "routing changed under a perturbation");
                assertArrayEquals(step.counts()[l], minus.counts()[l], "routing changed under a perturbation");
            }
            double numeric = (plus.lossSum() - minus.lossSum()) / (2 * EPS);
            double analytic = grad.getDouble(0, i);
            maxRel = Math.max(maxRel, Math.abs(numeric - analytic) / Math.max(1e-6, Math.abs(numeric) + Math.abs(analytic)));
            assertEquals(numeric, analytic, 1e-6 * Math.max(1, Math.abs(numeric)), "parameter " + i);
            checked++;
        }
        System.out.printf("MoeLanguageModel (V 7, T 4, d 4, 2 blocks, N 4, K 2, 1 shared, aux 0.05) gradient check: "
                + "%d parameters, max relative error %.2e%n", checked, maxRel);
    }

    @Test
    void maskedMixingWeightsGetNoGradient() {
        MoeLanguageModel model = tiny(12);
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 1, model.numParams());
        model.computeGradient(WINDOWS, BIAS, null, grad);
        // block 0's mixing matrix W (4 x 4) starts after E (7 x 4), P (4 x 4) and the first gain (4)
        long w0 = 7 * 4 + 4 * 4 + 4;
        for (int t = 0; t < 4; t++) {
            for (int s = 0; s < 4; s++) {
                double g = grad.getDouble(0, w0 + t * 4 + s);
                if (s > t) {
                    assertEquals(0.0, g, "W[" + t + "][" + s + "] lies above the diagonal: a future position");
                } else {
                    assertNotEquals(0.0, g, "W[" + t + "][" + s + "] is used");
                }
            }
        }
    }

    @Test
    void logitsAtAPositionDoNotDependOnLaterTokens() {
        MoeLanguageModel model = tiny(13);
        int[][] a = {{0, 3, 5, 1, 6}};
        int[][] b = {{0, 3, 2, 4, 4}}; // positions 2.. differ
        double[][] la = model.forward(a, BIAS).logits().toDoubleMatrix();
        double[][] lb = model.forward(b, BIAS).logits().toDoubleMatrix();
        assertArrayEquals(la[0], lb[0], 1e-12, "position 0 saw a later token");
        assertArrayEquals(la[1], lb[1], 1e-12, "position 1 saw a later token");
        assertNotEquals(la[2][0], lb[2][0], "position 2 sees its own (changed) input");
    }

    @Test
    void lossIsTheSummedNextTokenCrossEntropyOfTheLogits() {
        MoeLanguageModel model = tiny(14);
        MoeLanguageModel.Forward f = model.forward(WINDOWS, BIAS);
        double[][] z = f.logits().toDoubleMatrix();
        double expected = 0;
        int correct = 0;
        for (int w = 0; w < WINDOWS.length; w++) {
            for (int t = 0; t < 4; t++) {
                double[] row = z[w * 4 + t];
                double m = Double.NEGATIVE_INFINITY;
                int best = 0;
                for (int v = 0; v < row.length; v++) {
                    if (row[v] > m) {
                        m = row[v];
                        best = v;
                    }
                }
                double sum = 0;
                for (double v : row) {
                    sum += Math.exp(v - m);
                }
                int target = WINDOWS[w][t + 1];
                expected += m + Math.log(sum) - row[target];
                correct += best == target ? 1 : 0;
            }
        }
        MoeLanguageModel.Step step = model.computeGradient(WINDOWS, BIAS, null, Nd4j.zeros(DataType.DOUBLE, 1, model.numParams()));
        assertEquals(expected, step.ceSum(), 1e-10);
        assertEquals(0.0, step.auxTerm());
        assertEquals(correct, step.correct());
        MoeLanguageModel.Evaluation e = model.evaluate(WINDOWS, BIAS);
        assertEquals(expected, e.ceSum(), 1e-10);
        assertEquals(correct, e.correct());
        for (long[] layer : e.counts()) {
            assertEquals(12 * 2, java.util.Arrays.stream(layer).sum(), "every token routed to K = 2 experts");
        }
        // at initialisation the model is close to uniform over 7 ids: perplexity near 7
        double ppl = Math.exp(e.ceSum() / e.tokens());
        assertTrue(ppl > 3 && ppl < 15, "initial perplexity " + ppl);
    }

    @Test
    void badWindowsAreRejectedWithTheirPosition() {
        MoeLanguageModel model = tiny(15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.forward(new int[][]{{0, 1, 2, 3}}, null));
        assertTrue(e.getMessage().contains("window 0 has 4 token ids, expected 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.forward(new int[][]{{0, 1, 2, 3, 4}, {0, 1, 9, 3, 4}}, null));
        assertTrue(e.getMessage().contains("window 1, position 2: token id 9"), e.getMessage());
    }
}

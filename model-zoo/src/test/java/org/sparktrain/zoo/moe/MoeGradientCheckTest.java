package org.sparktrain.zoo.moe;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences in double precision against the hand-written backward passes of {@link MoeLayer},
 * {@link AuxBalanceLoss} and {@link MoeClassifier}. The routing is piecewise constant; the test asserts it did not
 * change under any perturbation, so every difference quotient is of a smooth function.
 */
class MoeGradientCheckTest {
    static final double EPS = 1e-6;

    @org.junit.jupiter.api.BeforeAll
    static void oneNativeThread() {
        Nd4j.create(1); // loads the backend before NativeOpsHolder is touched
        // thousands of tiny ops: OpenMP threads only add contention
        org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    }

    static INDArray gaussian(Random rng, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] r : a) {
            for (int j = 0; j < cols; j++) {
                r[j] = rng.nextGaussian();
            }
        }
        return Nd4j.createFromArray(a);
    }

    /** L = Σ (H ⊙ R) + Σ (s ⊙ Q): a generic loss on the layer output and (as the aux loss would) on the scores. */
    static double loss(MoeLayer layer, INDArray flat, INDArray u, double[] bias, INDArray r, INDArray q, long[] counts) {
        MoeLayer.Pass p = layer.forward(flat, u, bias);
        if (counts != null) {
            assertArrayEquals(counts, p.routing().counts());
        }
        return p.output().mul(r).sumNumber().doubleValue() + p.scores().mul(q).sumNumber().doubleValue();
    }

    static void assertArrayEquals(long[] a, long[] b) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, "routing changed under a perturbation");
    }

    void checkLayer(MoeLayerConfig cfg, long seed) {
        Random rng = new Random(seed);
        MoeLayer layer = new MoeLayer(cfg, 3);     // a non-zero offset: the layer lives inside a bigger vector
        INDArray flat = Nd4j.zeros(DataType.DOUBLE, 1, layer.numParams() + 5);
        layer.initialize(flat, rng);
        // non-trivial biases: the choice differs from plain top-K on s, the gates must still be the raw scores
        double[] bias = new double[cfg.numExperts()];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = 0.3 * rng.nextGaussian();
        }
        int t = 7;
        INDArray u = gaussian(rng, t, cfg.dModel());
        INDArray r = gaussian(rng, t, cfg.dModel());
        INDArray q = gaussian(rng, t, cfg.numExperts());
        MoeLayer.Pass p = layer.forward(flat, u, bias);
        long[] counts = p.routing().counts();
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 1, flat.length());
        INDArray dU = layer.backward(flat, p, r, q, grad);

        double maxRel = 0;
        for (long i = 0; i < flat.length(); i++) {
            double orig = flat.getDouble(0, i);
            flat.putScalar(0, i, orig + EPS);
            double plus = loss(layer, flat, u, bias, r, q, counts);
            flat.putScalar(0, i, orig - EPS);
            double minus = loss(layer, flat, u, bias, r, q, counts);
            flat.putScalar(0, i, orig);
            double numeric = (plus - minus) / (2 * EPS);
            double analytic = grad.getDouble(0, i);
            maxRel = Math.max(maxRel, Math.abs(numeric - analytic) / Math.max(1e-6, Math.abs(numeric) + Math.abs(analytic)));
            assertEquals(numeric, analytic, 1e-6 * Math.max(1, Math.abs(numeric)), "parameter " + i + " of " + cfg);
        }
        for (int row = 0; row < t; row++) {
            for (int c = 0; c < cfg.dModel(); c++) {
                double orig = u.getDouble(row, c);
                u.putScalar(row, c, orig + EPS);
                double plus = loss(layer, flat, u, bias, r, q, counts);
                u.putScalar(row, c, orig - EPS);
                double minus = loss(layer, flat, u, bias, r, q, counts);
                u.putScalar(row, c, orig);
                assertEquals((plus - minus) / (2 * EPS), dU.getDouble(row, c), 1e-6, "input " + row + "," + c);
            }
        }
        // padding outside the layer's block got no gradient
        for (long i : new long[]{0, 1, 2, flat.length() - 1}) {
            assertEquals(0.0, grad.getDouble(0, i));
        }
        System.out.printf("MoeLayer gradient check %s: %d parameters, max relative error %.2e%n", cfg.score()
                + (cfg.renormalize() ? " renormalised" : "") + ", shared " + cfg.numShared(), flat.length(), maxRel);
    }

    @Test
    void sigmoidRouterWithSharedExpert() {
        checkLayer(new MoeLayerConfig(4, 5, 2, 3, 1, 2, RouterScore.SIGMOID, false, null), 1);
    }

    @Test
    void softmaxRouter() {
        checkLayer(new MoeLayerConfig(4, 4, 2, 3, 0, null, RouterScore.SOFTMAX, false, null), 2);
    }

    @Test
    void deepSeekV3RenormalisedAndScaledGates() {
        checkLayer(new MoeLayerConfig(3, 6, 3, 2, 1, 3, RouterScore.SIGMOID, true, 2.5), 3);
    }

    @Test
    void auxLossGradientMatchesFiniteDifferences() {
        Random rng = new Random(4);
        int t = 6;
        int n = 5;
        double[][] s = new double[t][n];
        for (double[] row : s) {
            for (int i = 0; i < n; i++) {
                row[i] = 0.05 + rng.nextDouble();
            }
        }
        Routing routing = Routing.select(s, null, 2);
        for (boolean normalize : new boolean[]{false, true}) {
            AuxBalanceLoss aux = new AuxBalanceLoss(0.01, normalize);
            INDArray g = aux.compute(s, routing, 2).dScores();
            for (int row = 0; row < t; row++) {
                for (int i = 0; i < n; i++) {
                    double orig = s[row][i];
                    s[row][i] = orig + EPS;
                    double plus = aux.compute(s, routing, 2).loss();
                    s[row][i] = orig - EPS;
                    double minus = aux.compute(s, routing, 2).loss();
                    s[row][i] = orig;
                    assertEquals((plus - minus) / (2 * EPS), g.getDouble(row, i), 1e-9,
                            "normalize=" + normalize + " ds[" + row + "," + i + "]");
                }
            }
        }
    }

    @Test
    void classifierWithAuxLossMatchesFiniteDifferences() {
        MoeLayerConfig layer = new MoeLayerConfig(3, 4, 2, 2, 1, 2, RouterScore.SIGMOID, false, null);
        MoeClassifier model = new MoeClassifier(3, 3, 2, layer, 9);
        Random rng = new Random(5);
        INDArray x = gaussian(rng, 8, 3);
        int[] y = {0, 1, 2, 0, 1, 2, 2, 1};
        double[][] bias = {{0.1, -0.2, 0.0, 0.05}, {-0.1, 0.0, 0.2, 0.0}};
        AuxBalanceLoss aux = new AuxBalanceLoss(0.05, false);
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 1, model.numParams());
        MoeClassifier.Step step = model.computeGradient(x, y, bias, aux, grad);
        assertTrue(step.auxLoss() > 0);
        assertEquals(step.ceSum() + 8 * step.auxLoss(), step.lossSum(), 1e-12);
        INDArray p = model.params();
        double maxRel = 0;
        // every other parameter (both parities of each block's layout are hit across blocks): keeps the test short
        for (long i = 0; i < model.numParams(); i += 2) {
            double orig = p.getDouble(0, i);
            p.putScalar(0, i, orig + EPS);
            MoeClassifier.Step plus = model.computeGradient(x, y, bias, aux, Nd4j.zeros(DataType.DOUBLE, 1, model.numParams()));
            p.putScalar(0, i, orig - EPS);
            MoeClassifier.Step minus = model.computeGradient(x, y, bias, aux, Nd4j.zeros(DataType.DOUBLE, 1, model.numParams()));
            p.putScalar(0, i, orig);
            for (int l = 0; l < 2; l++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(step.counts()[l], plus.counts()[l]);
                org.junit.jupiter.api.Assertions.assertArrayEquals(step.counts()[l], minus.counts()[l]);
            }
            double numeric = (plus.lossSum() - minus.lossSum()) / (2 * EPS);
            double analytic = grad.getDouble(0, i);
            maxRel = Math.max(maxRel, Math.abs(numeric - analytic) / Math.max(1e-6, Math.abs(numeric) + Math.abs(analytic)));
            assertEquals(numeric, analytic, 1e-6 * Math.max(1, Math.abs(numeric)), "parameter " + i);
        }
        System.out.printf("MoeClassifier (2 MoE layers, aux alpha 0.05) gradient check: %d of %d parameters, max relative error %.2e%n",
                (model.numParams() + 1) / 2, model.numParams(), maxRel);
    }
}

package org.sparktrain.zoo.moe;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-computed routing, gates, bias updates, aux loss and MaxVio; and the bias update closing the loop. */
class MoeRoutingTest {
    static final double U = 1e-3;

    @Test
    void biasChangesTheChoiceButNotTheGate() {
        // d = 1, N = 3, K = 1, one token u = 1, centroids e = (0, 1, 2): logits (0, 1, 2)
        MoeLayerConfig cfg = new MoeLayerConfig(1, 3, 1, 1, 0, null, RouterScore.SIGMOID, false, null);
        MoeLayer layer = new MoeLayer(cfg, 0);
        INDArray flat = Nd4j.zeros(DataType.DOUBLE, 1, layer.numParams());
        flat.putScalar(0, 1, 1.0);
        flat.putScalar(0, 2, 2.0);
        // expert FFNs: W1 = 1, c1 = 0, W2 = 1, c2 = 0, so FFN(u) = SiLU(u) = σ(1) for u = 1
        for (int i = 0; i < 3; i++) {
            long o = 3 + 4L * i;
            flat.putScalar(0, o, 1.0);
            flat.putScalar(0, o + 2, 1.0);
        }
        INDArray u = Nd4j.createFromArray(new double[][]{{1.0}});
        double s0 = sigmoid(0);
        double s2 = sigmoid(2);
        double silu1 = sigmoid(1);

        MoeLayer.Pass unbiased = layer.forward(flat, u, null);
        assertArrayEquals(new int[]{2}, unbiased.routing().chosen()[0]);
        assertEquals(1 + s2 * silu1, unbiased.output().getDouble(0, 0), 1e-12);

        // b = (0.9, 0, 0): s + b = (0.5 + 0.9, 0.731, 0.881) -> expert 0 is chosen, its gate is σ(0) = 0.5, not 1.4
        MoeLayer.Pass biased = layer.forward(flat, u, new double[]{0.9, 0, 0});
        assertArrayEquals(new int[]{0}, biased.routing().chosen()[0]);
        assertEquals(s0, biased.gates()[0][0], 1e-15);
        assertEquals(1 + s0 * silu1, biased.output().getDouble(0, 0), 1e-12);
        assertArrayEquals(new long[]{1, 0, 0}, biased.routing().counts());
    }

    @Test
    void deepSeekV3GatesAreRenormalisedAndScaled() {
        double[][] s = {{0.2, 0.6, 0.4}};
        MoeLayerConfig cfg = new MoeLayerConfig(2, 3, 2, 1, 0, null, RouterScore.SIGMOID, true, 2.5);
        // through the layer: pick logits so that sigmoid gives the scores above (u = (1, 0), e_i = (logit(s_i), 0))
        MoeLayer layer = new MoeLayer(cfg, 0);
        INDArray flat = Nd4j.zeros(DataType.DOUBLE, 1, layer.numParams());
        for (int i = 0; i < 3; i++) {
            flat.putScalar(0, 2L * i, Math.log(s[0][i] / (1 - s[0][i])));
        }
        MoeLayer.Pass p = layer.forward(flat, Nd4j.createFromArray(new double[][]{{1.0, 0.0}}), null);
        assertArrayEquals(new int[]{1, 2}, p.routing().chosen()[0]);
        assertEquals(2.5 * 0.6 / 1.0, p.gates()[0][1], 1e-12);
        assertEquals(2.5 * 0.4 / 1.0, p.gates()[0][2], 1e-12);
        assertEquals(0.0, p.gates()[0][0]);
    }

    @Test
    void overloadedExpertBiasGoesDown() {
        // loads (6, 2, 0, 4): mean 3, e = c̄ − c = (−3, 1, 3, −1)
        double[] counts = {6, 2, 0, 4};
        float[] sign = new float[4];
        BiasUpdateRule.SIGN.apply(sign, 0, counts, 0, 4, U);
        assertArrayEquals(new float[]{(float) -U, (float) U, (float) U, (float) -U}, sign);
        assertTrue(sign[0] < 0, "the over-loaded expert 0 must get a LOWER bias");

        float[] magnitude = {0.5f, 0, 0, 0};
        BiasUpdateRule.MAGNITUDE.apply(magnitude, 0, counts, 0, 4, U);
        assertArrayEquals(new float[]{(float) (0.5 - 3 * U), (float) U, (float) (3 * U), (float) -U}, magnitude);

        // a perfectly loaded expert keeps its bias under the sign rule; offsets address the second layer
        float[] two = {9, 9, 9, 0, 0, 0};
        BiasUpdateRule.SIGN.apply(two, 3, new double[]{-1, 5, 2, 8}, 1, 3, 0.1);
        assertArrayEquals(new float[]{9, 9, 9, 0f, 0.1f, -0.1f}, two, 1e-7f);   // loads (5, 2, 8), mean 5
    }

    @Test
    void auxLossByHand() {
        // T = 2, N = 2, K = 1; token 0 picks expert 0 (0.9 > 0.3), token 1 picks 0 (0.6 > 0.4)
        double[][] s = {{0.9, 0.3}, {0.6, 0.4}};
        Routing r = Routing.select(s, null, 1);
        assertArrayEquals(new long[]{2, 0}, r.counts());
        // f = N/(K T) c = (2, 0); P = (0.75, 0.35); L = α (2 · 0.75) = 1.5 α
        assertEquals(1.5e-3, new AuxBalanceLoss(1e-3, false).compute(s, r, 1).loss(), 1e-15);
        // normalised: s' rows (0.75, 0.25), (0.6, 0.4): P_0 = 0.675, L = α · 2 · 0.675
        assertEquals(1.35e-3, new AuxBalanceLoss(1e-3, true).compute(s, r, 1).loss(), 1e-15);
    }

    @Test
    void maxVioByHand() {
        double[] loads = {6, 2, 0, 4, 3, 3, 3, 3};
        assertEquals(1.0, MaxVio.of(loads, 0, 4), 1e-15);          // (6 − 3)/3
        assertEquals(0.0, MaxVio.of(loads, 4, 4), 1e-15);
        assertEquals(0.5, MaxVio.meanOverLayers(loads, 2, 4), 1e-15);
        assertEquals(1, MaxVio.deadExperts(loads, 0, 4));
    }

    /**
     * Closing the loop on a router that sends most tokens to one expert: 400 loss-free sign updates (u = 1e-2)
     * drive MaxVio down; the reversed sign (the public bug) drives it up instead.
     */
    @Test
    void lossFreeUpdatesBalanceASkewedRouterAndTheReversedSignDoesNot() {
        int n = 8;
        int t = 512;
        Random rng = new Random(7);
        double[][] s = new double[t][n];
        for (double[] row : s) {
            for (int i = 0; i < n; i++) {
                // expert i's mean affinity falls with i: expert 0 is preferred by most tokens
                row[i] = sigmoid(1.0 - 0.25 * i + 0.5 * rng.nextGaussian());
            }
        }
        double start = maxVio(s, new float[n]);
        float[] bias = new float[n];
        float[] reversed = new float[n];
        for (int step = 0; step < 400; step++) {
            BiasUpdateRule.SIGN.apply(bias, 0, loads(s, bias), 0, n, 1e-2);
            double[] c = loads(s, reversed);
            for (int i = 0; i < n; i++) {
                c[i] = -c[i];      // e_i = c_i − c̄: the backwards convention
            }
            BiasUpdateRule.SIGN.apply(reversed, 0, c, 0, n, 1e-2);
        }
        double balanced = maxVio(s, bias);
        double collapsed = maxVio(s, reversed);
        System.out.printf("skewed router MaxVio: start %.3f, after 400 sign updates %.3f, reversed sign %.3f%n",
                start, balanced, collapsed);
        assertTrue(start > 1.0, "the router starts skewed: " + start);
        assertTrue(balanced < 0.15, "loss-free balancing balances: " + balanced);
        assertTrue(collapsed >= start, "the reversed sign does not balance: " + collapsed);
        assertTrue(bias[0] < bias[n - 1], "the most popular expert ends with the lowest bias");
    }

    static double[] loads(double[][] s, float[] bias) {
        double[] b = new double[bias.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = bias[i];
        }
        long[] c = Routing.select(s, b, 2).counts();
        double[] out = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = c[i];
        }
        return out;
    }

    static double maxVio(double[][] s, float[] bias) {
        return MaxVio.of(loads(s, bias), 0, bias.length);
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}

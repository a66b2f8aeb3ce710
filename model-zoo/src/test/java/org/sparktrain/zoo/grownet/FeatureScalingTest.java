package org.sparktrain.zoo.grownet;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureScalingTest {
    @Test
    void normalQuantileMatchesKnownValues() {
        // Φ⁻¹ at probabilities whose quantiles are known to 15 digits (tables of the standard normal distribution)
        assertEquals(0.0, StandardNormal.quantile(0.5), 1e-15);
        assertEquals(1.959963984540054, StandardNormal.quantile(0.975), 3e-9);
        assertEquals(-1.959963984540054, StandardNormal.quantile(0.025), 3e-9);
        assertEquals(1.0, StandardNormal.quantile(0.8413447460685429), 2e-9);
        assertEquals(-3.090232306167813, StandardNormal.quantile(0.001), 4e-9);   // lower tail branch
        assertEquals(3.090232306167813, StandardNormal.quantile(0.999), 4e-9);    // upper tail branch
        assertEquals(-0.6744897501960817, StandardNormal.quantile(0.25), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> StandardNormal.quantile(1.0));
    }

    @Test
    void quantileScalingByHand() {
        // 5 knots at p = 0, .25, .5, .75, 1: feature 0 continuous, feature 1 binary with 60 % zeros
        QuantileNormalScaling s = new QuantileNormalScaling(new double[][]{{0, 1, 2, 4, 8}, {0, 0, 0, 1, 1}});
        assertEquals(0.125, s.probability(0, 0.5), 1e-15);        // halfway between knots 0 and 1
        assertEquals(0.625, s.probability(0, 3), 1e-15);          // halfway between 2 and 4
        assertEquals(0.5, s.probability(0, 2), 1e-15);            // on a single knot
        assertEquals(0.0, s.probability(0, -1), 0);               // below the first knot
        assertEquals(1.0, s.probability(0, 9), 0);                // above the last knot
        assertEquals(0.25, s.probability(1, 0), 1e-15);           // on knots 0..2: (0 + .5)/2
        assertEquals(0.875, s.probability(1, 1), 1e-15);          // on knots 3..4: (.75 + 1)/2
        assertEquals(0.625, s.probability(1, 0.5), 1e-15);        // between knots 2 (p .5) and 3 (p .75)
        // clipping to [1/8, 7/8] (half a grid step of 1/4), then Φ⁻¹
        assertEquals(StandardNormal.quantile(0.125), s.apply(0, -1), 0);
        assertEquals(StandardNormal.quantile(0.875), s.apply(0, 9), 0);
        assertEquals(StandardNormal.quantile(0.625), s.apply(0, 3), 0);
        assertEquals(0.0, s.apply(0, 2), 1e-15);
        double[] rows = s.apply(new float[]{3, 1, 0.5f, 0}, 2);
        assertEquals(StandardNormal.quantile(0.625), rows[0], 0);
        assertEquals(StandardNormal.quantile(0.875), rows[1], 0);
        assertEquals(StandardNormal.quantile(0.125), rows[2], 0);
        assertEquals(StandardNormal.quantile(0.25), rows[3], 0);
        assertThrows(IllegalArgumentException.class, () -> new QuantileNormalScaling(new double[][]{{1, 0}}));
    }

    @Test
    void quantileScalingOfTrainingDataIsRoughlyStandardNormalAndMonotone() {
        // knots = exact empirical quantiles of a heavy-tailed (log-normal) sample
        SplittableRandom rng = new SplittableRandom(3);
        int n = 20_001;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.exp(3 * gaussian(rng));
        }
        double[] sorted = v.clone();
        java.util.Arrays.sort(sorted);
        double[] knots = new double[QuantileNormalScaling.DEFAULT_KNOTS];
        for (int i = 0; i < knots.length; i++) {
            knots[i] = sorted[(int) Math.round(i * (n - 1) / (double) (knots.length - 1))];
        }
        QuantileNormalScaling s = new QuantileNormalScaling(new double[][]{knots});
        double sum = 0;
        double sq = 0;
        for (double x : v) {
            double z = s.apply(0, x);
            sum += z;
            sq += z * z;
        }
        assertEquals(0.0, sum / n, 0.01);
        assertEquals(1.0, sq / n, 0.02);
        double prev = Double.NEGATIVE_INFINITY;
        for (double x : sorted) {
            double z = s.apply(0, x);
            assertTrue(z >= prev);
            prev = z;
        }
    }

    @Test
    void bothScalingsRoundTripThroughTheModelFormat() throws Exception {
        for (FeatureScaling s : List.of(new StandardScaling(new double[]{1, -2}, new double[]{0.5, 3}),
                new QuantileNormalScaling(new double[][]{{0, 1, 2}, {-1, 0, 0}}))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            FeatureScaling.write(s, new DataOutputStream(bytes));
            FeatureScaling back = FeatureScaling.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
                    2, "test");
            assertEquals(s.kind(), back.kind());
            for (double x : new double[]{-3, -0.5, 0, 0.7, 1, 5}) {
                assertEquals(s.apply(0, x), back.apply(0, x), 0);
                assertEquals(s.apply(1, x), back.apply(1, x), 0);
            }
        }
        assertEquals(2.0, new StandardScaling(new double[]{1, -2}, new double[]{0.5, 3}).apply(0, 2), 0);
    }

    @Test
    void aModelWithQuantileScalingScoresThroughItAndRoundTrips() throws Exception {
        QuantileNormalScaling s = new QuantileNormalScaling(new double[][]{{0, 1, 2, 4, 8}, {0, 0, 0, 1, 1}});
        WeakLearner w = WeakLearner.create(2, 3, false, 7);
        GrowNetModel m = new GrowNetModel(GrowNetTask.REGRESSION, 2, 3, s, 0.4, 0.9, List.of(w));
        float[] raw = {3, 1};
        double[] x = {s.apply(0, 3), s.apply(1, 1)};
        assertEquals(0.4 + 0.9 * w.forwardEval(x, null, 1).f()[0], m.score(raw), 1e-15);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.write(out);
        GrowNetModel back = GrowNetModel.read(new ByteArrayInputStream(out.toByteArray()), "test");
        assertEquals(m.score(raw), back.score(raw), 0);
        assertEquals("quantile", back.scaling().kind());
    }

    @Test
    void aFormatOneModelFileStillLoadsAsStandardised() throws Exception {
        // "GRN1" layout written by hand: magic, task, d, H, mean[], scale[], c0, α, K = 0 learners
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x47524E31);
        out.writeUTF("REGRESSION");
        out.writeInt(2);
        out.writeInt(3);
        for (double[] a : new double[][]{{1, -2}, {0.5, 4}}) {
            out.writeInt(a.length);
            for (double v : a) {
                out.writeDouble(v);
            }
        }
        out.writeDouble(0.25);
        out.writeDouble(1.0);
        out.writeInt(0);
        GrowNetModel m = GrowNetModel.read(new ByteArrayInputStream(bytes.toByteArray()), "old file");
        assertEquals("standard", m.scaling().kind());
        assertEquals(0.25, m.score(new float[]{3, 0}), 0); // no learners: F = c0
        double[] x = m.standardize(new float[]{3, 0}, 1);
        assertEquals(4.0, x[0], 0);   // (3 − 1) / 0.5
        assertEquals(0.5, x[1], 0);   // (0 + 2) / 4
    }

    private static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}

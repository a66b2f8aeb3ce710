package org.sparktrain.losses.contrastive;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.GradientCheck;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NtXentLossTest {
    /** The definition in plain Java: 2B anchors, positive = other view, candidates = all but self; stable LSE. */
    static double reference(double tau, double[][] z1, double[][] z2) {
        int b = z1.length;
        double[][] h = new double[2 * b][];
        for (int k = 0; k < b; k++) {
            h[k] = z1[k];
            h[k + b] = z2[k];
        }
        double total = 0;
        for (int k = 0; k < 2 * b; k++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < 2 * b; l++) {
                if (l != k) {
                    max = Math.max(max, GradientCheck.cosine(h[k], h[l]) / tau);
                }
            }
            double sum = 0;
            for (int l = 0; l < 2 * b; l++) {
                if (l != k) {
                    sum += Math.exp(GradientCheck.cosine(h[k], h[l]) / tau - max);
                }
            }
            total += max + Math.log(sum) - GradientCheck.cosine(h[k], h[(k + b) % (2 * b)]) / tau;
        }
        return total / (2 * b);
    }

    @Test
    void handComputedValueOnThreeOrthogonalSamples() {
        // views equal, samples orthonormal: every anchor has its positive at cosine 1 and 4 negatives at 0
        INDArray e = Nd4j.create(new double[][]{{2, 0, 0}, {0, 3, 0}, {0, 0, 1}});
        assertEquals(Math.log(Math.E + 4) - 1, new NtXentLoss(1).compute(e, e).value(), 1e-12);
        assertEquals(Math.log(Math.exp(2) + 4) - 2, new NtXentLoss(0.5).compute(e, e).value(), 1e-12);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Random rnd = new Random(41);
        INDArray z1 = GradientCheck.gaussian(rnd, 3, 4);
        INDArray z2 = GradientCheck.gaussian(rnd, 3, 4);
        for (double tau : new double[]{0.5, 0.1}) {
            NtXentLoss loss = new NtXentLoss(tau);
            TwoViewGradients g = loss.compute(z1, z2);
            assertEquals(reference(tau, z1.toDoubleMatrix(), z2.toDoubleMatrix()), g.value(), 1e-12);
            double worst = GradientCheck.assertMatches("nt-xent tau " + tau, new INDArray[]{z1, z2},
                    new INDArray[]{g.view1(), g.view2()}, x -> reference(tau, x[0], x[1]));
            System.out.printf("NtXentLoss tau=%.2f: worst relative gradient error %.2e%n", tau, worst);
        }
    }

    @Test
    void edgeCases() {
        // B = 1: the only candidate is the positive -> loss 0, zero gradient
        INDArray a = Nd4j.create(new double[][]{{1, 2}});
        INDArray b = Nd4j.create(new double[][]{{-2, 1}});
        TwoViewGradients one = new NtXentLoss(0.1).compute(a, b);
        assertEquals(0, one.value(), 1e-15);
        assertEquals(0, one.view1().norm2Number().doubleValue(), 1e-15);
        // identical embeddings: 2B−1 equal logits -> log(5), zero gradient
        INDArray same = Nd4j.create(new double[][]{{1, 2, 3}, {1, 2, 3}, {1, 2, 3}});
        TwoViewGradients flat = new NtXentLoss(0.2).compute(same, same);
        assertEquals(Math.log(5), flat.value(), 1e-12);
        assertEquals(0, flat.view1().norm2Number().doubleValue() + flat.view2().norm2Number().doubleValue(), 1e-12);
        // τ = 1e-4: logits up to 1e4 stay finite and match the stable reference
        Random rnd = new Random(42);
        INDArray z1 = GradientCheck.gaussian(rnd, 3, 4);
        INDArray z2 = GradientCheck.gaussian(rnd, 3, 4);
        TwoViewGradients tiny = new NtXentLoss(1e-4).compute(z1, z2);
        assertEquals(reference(1e-4, z1.toDoubleMatrix(), z2.toDoubleMatrix()), tiny.value(), 1e-8);
        assertTrue(tiny.value() > 100, "random views at τ=1e-4 give a large loss, got " + tiny.value());
        assertTrue(Double.isFinite(tiny.view1().norm2Number().doubleValue()));
        assertThrows(IllegalArgumentException.class, () -> new NtXentLoss(0));
    }
}

package org.sparktrain.losses.contrastive;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.GradientCheck;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparktrain.losses.contrastive.GlobalContrastiveLossTest.logits;
import static org.sparktrain.losses.contrastive.GlobalContrastiveLossTest.unit;

/**
 * Per-anchor weights c_i in {@link NtXentLoss} and {@link GlobalContrastiveLoss} (training on a selection):
 * L = Σ_i c_i·ℓ_i / (the unweighted normalisation), negatives and per-sample state unweighted. Reference values come
 * from plain double loops written here, not from the code under test.
 */
class WeightedContrastiveLossTest {
    /** Weighted NT-Xent by its definition: (1/2B) Σ_k c_{k mod B}·[log Σ_{l≠k} exp(s_kl/τ) − s_kπ(k)/τ]. */
    static double ntXent(double tau, double[][] z1, double[][] z2, double[] c) {
        int b = z1.length;
        double[][] h = new double[2 * b][];
        for (int k = 0; k < b; k++) {
            h[k] = z1[k];
            h[k + b] = z2[k];
        }
        double total = 0;
        for (int k = 0; k < 2 * b; k++) {
            double sum = 0;
            for (int l = 0; l < 2 * b; l++) {
                if (l != k) {
                    sum += Math.exp(GradientCheck.cosine(h[k], h[l]) / tau);
                }
            }
            total += c[k % b] * (Math.log(sum) - GradientCheck.cosine(h[k], h[(k + b) % (2 * b)]) / tau);
        }
        return total / (2 * b);
    }

    /** Weighted surrogate with the (unweighted) detached p held fixed: (1/G) Σ_i c_i Σ_v [−X_ii + (1/m) Σ_j p_ij X_ij]. */
    static double frozenSurrogate(double[][] z1, double[][] z2, double[][] p1, double[][] p2, double[] c) {
        double[][] x1 = logits(unit(z1), unit(z2));
        double[][] x2 = logits(unit(z2), unit(z1));
        int g = x1.length;
        double m = 2.0 * (g - 1);
        double value = 0;
        for (int i = 0; i < g; i++) {
            double term = -x1[i][i] - x2[i][i];
            for (int j = 0; j < 2 * g; j++) {
                term += (p1[i][j] * x1[i][j] + p2[i][j] * x2[i][j]) / m;
            }
            value += c[i] * term;
        }
        return value / g;
    }

    @Test
    void ntXentHandComputedWeightedValueOnThreeSamples() {
        // equal orthonormal views: every anchor has its positive at cosine 1 and 4 negatives at cosine 0, so each of
        // the 6 anchor terms is log(e^{1/τ} + 4) − 1/τ; weights (0.5, 2, 0): L = (1/6)·2·(0.5 + 2 + 0)·term
        INDArray e = Nd4j.create(new double[][]{{2, 0, 0}, {0, 3, 0}, {0, 0, 1}});
        double term = Math.log(Math.exp(2) + 4) - 2;                       // τ = 0.5
        assertEquals(2.5 * term / 3, new NtXentLoss(0.5).compute(e, e, new double[]{0.5, 2, 0}).value(), 1e-12);
        // non-orthogonal B = 3 by the plain loop: rows differ, views differ
        double[][] a = {{1, 0.5, 0}, {0.2, 1, -0.3}, {-1, 0.4, 0.9}};
        double[][] b = {{0.8, 0.7, 0.1}, {0, 1, 0}, {-0.7, 0, 1}};
        double[] c = {1.5, 0.25, 3};
        assertEquals(ntXent(0.3, a, b, c), new NtXentLoss(0.3).compute(Nd4j.create(a), Nd4j.create(b), c).value(),
                1e-12);
    }

    @Test
    void ntXentWeightedGradientMatchesFiniteDifferences() {
        Random rnd = new Random(61);
        INDArray z1 = GradientCheck.gaussian(rnd, 4, 3);
        INDArray z2 = GradientCheck.gaussian(rnd, 4, 3);
        double[] c = {0.3, 2.5, 0, 1.1};
        for (double tau : new double[]{0.5, 0.1}) {
            TwoViewGradients g = new NtXentLoss(tau).compute(z1, z2, c);
            assertEquals(ntXent(tau, z1.toDoubleMatrix(), z2.toDoubleMatrix(), c), g.value(), 1e-12);
            double worst = GradientCheck.assertMatches("weighted nt-xent tau " + tau, new INDArray[]{z1, z2},
                    new INDArray[]{g.view1(), g.view2()}, x -> ntXent(tau, x[0], x[1], c));
            System.out.printf("weighted NtXentLoss tau=%.2f: worst relative gradient error %.2e%n", tau, worst);
        }
    }

    @Test
    void ntXentUnitWeightsAreBitIdenticalAndAZeroWeightRemovesExactlyItsTerm() {
        Random rnd = new Random(62);
        INDArray z1 = GradientCheck.gaussian(rnd, 3, 4);
        INDArray z2 = GradientCheck.gaussian(rnd, 3, 4);
        NtXentLoss loss = new NtXentLoss(0.2);
        TwoViewGradients plain = loss.compute(z1, z2);
        TwoViewGradients ones = loss.compute(z1, z2, new double[]{1, 1, 1});
        assertEquals(plain.value(), ones.value(), 0.0);
        assertArrayEquals(plain.view1().data().asDouble(), ones.view1().data().asDouble(), 0.0);
        assertArrayEquals(plain.view2().data().asDouble(), ones.view2().data().asDouble(), 0.0);
        // weight 0 on sample 1: the loss loses exactly sample 1's two anchor terms, and its gradient exactly the
        // gradient of those terms (the loss is linear in c)
        TwoViewGradients without = loss.compute(z1, z2, new double[]{1, 0, 1});
        TwoViewGradients only = loss.compute(z1, z2, new double[]{0, 1, 0});
        double[][] a = z1.toDoubleMatrix();
        double[][] b = z2.toDoubleMatrix();
        assertEquals(ntXent(0.2, a, b, new double[]{1, 1, 1}) - ntXent(0.2, a, b, new double[]{0, 1, 0}),
                without.value(), 1e-12);
        assertEquals(plain.value(), without.value() + only.value(), 1e-14);
        assertEquals(0, plain.view1().sub(without.view1().add(only.view1())).norm2Number().doubleValue(), 1e-14);
        assertEquals(0, plain.view2().sub(without.view2().add(only.view2())).norm2Number().doubleValue(), 1e-14);
        assertThrows(IllegalArgumentException.class, () -> loss.compute(z1, z2, new double[]{1, 1}));
        assertThrows(IllegalArgumentException.class, () -> loss.compute(z1, z2, new double[]{1, -1, 1}));
        assertThrows(IllegalArgumentException.class, () -> loss.compute(z1, z2, new double[]{1, Double.NaN, 1}));
    }

    @Test
    void gclHandComputedWeightedValueOnThreeSamples() {
        // first visit, equal orthonormal views (GlobalContrastiveLossTest): each anchor's surrogate is −2 and its
        // objective −2 + 2ρτ = −1.94 (τ .1, ρ .3); weights (0.5, 2, 0): value −2·2.5/3, objective −1.94·2.5/3
        INDArray e = Nd4j.create(new double[][]{{2, 0, 0}, {0, 3, 0}, {0, 0, 1}});
        GlobalContrastiveLoss loss = new GlobalContrastiveLoss(GclConfig.isogclrUnimodal());
        GclResult r = loss.computeBlock(e, e, 0, SampleState.initial(3, 0.1), new double[]{0.5, 2, 0});
        assertEquals(-5.0 / 3, r.value(), 1e-14);
        assertEquals(-1.94 * 2.5 / 3, r.objective(), 1e-14);
        // the state update is the unweighted one: τ = .1 − .01·.9·.3 = .0973 for every sample, weight 0 included
        for (int i = 0; i < 3; i++) {
            assertEquals(1, r.state().u()[i], 1e-15);
            assertEquals(0.0973, r.state().tau()[i], 1e-15);
        }
    }

    @Test
    void gclWeightedMatchesTheReferenceAndFiniteDifferencesWithStateUnweighted() {
        Random rnd = new Random(63);
        INDArray z1 = GradientCheck.gaussian(rnd, 3, 4);
        INDArray z2 = GradientCheck.gaussian(rnd, 3, 4);
        double[] u0 = {0, 1.7, 0.9};
        double[] tau0 = {0.2, 0.35, 0.12};
        double[] m0 = {0, 0.4, -0.3};
        double[] c = {0.4, 3, 1.25};
        double worst = 0;
        for (GclConfig cfg : GlobalContrastiveLossTest.variants()) {
            GlobalContrastiveLoss loss = new GlobalContrastiveLoss(cfg);
            GclResult got = loss.computeBlock(z1, z2, 0,
                    new SampleState(u0.clone(), new double[3], tau0.clone(), m0.clone()), c);
            GclResult plain = loss.compute(z1, z2, new SampleState(u0.clone(), new double[3], tau0.clone(), m0.clone()));
            GlobalContrastiveLossTest.Reference ref = GlobalContrastiveLossTest.reference(cfg, z1.toDoubleMatrix(),
                    z2.toDoubleMatrix(), u0, tau0, m0);
            assertEquals(frozenSurrogate(z1.toDoubleMatrix(), z2.toDoubleMatrix(), ref.p1(), ref.p2(), c), got.value(),
                    1e-12, cfg + " value");
            worst = Math.max(worst, GradientCheck.assertMatches("weighted " + cfg, new INDArray[]{z1, z2},
                    new INDArray[]{got.view1(), got.view2()},
                    x -> frozenSurrogate(x[0], x[1], ref.p1(), ref.p2(), c)));
            // u, shift, τ, momentum and G_i do not depend on the weights
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(plain.state().record(k), got.state().record(k), 0.0, cfg + " state " + k);
            }
            assertArrayEquals(plain.tauGradient(), got.tauGradient(), 0.0);
        }
        System.out.printf("weighted GlobalContrastiveLoss: worst relative gradient error %.2e%n", worst);
    }

    @Test
    void gclUnitWeightsAreBitIdenticalZeroRemovesItsTermAndBlocksSum() {
        Random rnd = new Random(64);
        INDArray z1 = GradientCheck.gaussian(rnd, 5, 4);
        INDArray z2 = GradientCheck.gaussian(rnd, 5, 4);
        SampleState start = new SampleState(new double[]{0, 1.2, 0.8, 0, 2.5}, new double[]{0, 0.5, 1.0, 0, 2.0},
                new double[]{0.1, 0.2, 0.3, 0.4, 0.5}, new double[]{0, 0.1, -0.1, 0, 0.3});
        double[] c = {0.5, 2, 0, 1.5, 0.75};
        for (GclConfig cfg : new GclConfig[]{GclConfig.sogclr(0.2), GclConfig.isogclrUnimodal()}) {
            GlobalContrastiveLoss loss = new GlobalContrastiveLoss(cfg);
            GclResult plain = loss.compute(z1, z2, start);
            GclResult ones = loss.computeBlock(z1, z2, 0, start, new double[]{1, 1, 1, 1, 1});
            assertEquals(plain.value(), ones.value(), 0.0);
            assertEquals(plain.objective(), ones.objective(), 0.0);
            assertArrayEquals(plain.view1().data().asDouble(), ones.view1().data().asDouble(), 0.0);
            assertArrayEquals(plain.view2().data().asDouble(), ones.view2().data().asDouble(), 0.0);

            // weight 0 on sample 3 = the unweighted loss minus sample 3's term (value, objective, gradients)
            GclResult without = loss.computeBlock(z1, z2, 0, start, new double[]{1, 1, 1, 0, 1});
            GclResult only = loss.computeBlock(z1, z2, 0, start, new double[]{0, 0, 0, 1, 0});
            assertEquals(plain.value() - only.value(), without.value(), 1e-14);
            assertEquals(plain.objective() - only.objective(), without.objective(), 1e-14);
            assertEquals(0, plain.view1().sub(only.view1()).sub(without.view1()).norm2Number().doubleValue(), 1e-14);
            assertEquals(0, plain.view2().sub(only.view2()).sub(without.view2()).norm2Number().doubleValue(), 1e-14);

            // two workers, each weighting only its own anchors, sum to the weighted whole batch
            GclResult whole = loss.computeBlock(z1, z2, 0, start, c);
            GclResult w0 = loss.computeBlock(z1, z2, 0, start.slice(0, 2), new double[]{c[0], c[1]});
            GclResult w1 = loss.computeBlock(z1, z2, 2, start.slice(2, 3), new double[]{c[2], c[3], c[4]});
            assertEquals(whole.value(), w0.value() + w1.value(), 1e-14);
            assertEquals(whole.objective(), w0.objective() + w1.objective(), 1e-14);
            assertEquals(0, whole.view1().sub(w0.view1().add(w1.view1())).norm2Number().doubleValue(), 1e-14);
            assertEquals(0, whole.view2().sub(w0.view2().add(w1.view2())).norm2Number().doubleValue(), 1e-14);
            assertThrows(IllegalArgumentException.class, () -> loss.computeBlock(z1, z2, 0, start.slice(0, 2),
                    new double[]{1, 1, 1}));
        }
    }
}

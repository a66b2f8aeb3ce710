package org.sparktrain.losses.contrastive;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.GradientCheck;
import org.sparktrain.losses.LossInputs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobalContrastiveLossTest {

    /** What the spec's step (§d) produces, computed in plain Java in the unshifted domain. */
    record Reference(double value, double[] u, double[] tau, double[] momentum, double[] tauGradient,
                     double[][] p1, double[][] p2) {
    }

    static double[][] unit(double[][] z) {
        double[][] h = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            double n = 0;
            for (double v : z[i]) {
                n += v * v;
            }
            h[i] = new double[z[i].length];
            for (int k = 0; k < z[i].length; k++) {
                h[i][k] = z[i][k] / Math.sqrt(n);
            }
        }
        return h;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    /** X^v rows: [h_a,i · h_b,j | h_a,i · h_a,j], anchors from view a, the other view b. */
    static double[][] logits(double[][] ha, double[][] hb) {
        int g = ha.length;
        double[][] x = new double[g][2 * g];
        for (int i = 0; i < g; i++) {
            for (int j = 0; j < g; j++) {
                x[i][j] = dot(ha[i], hb[j]);
                x[i][g + j] = dot(ha[i], ha[j]);
            }
        }
        return x;
    }

    static Reference reference(GclConfig c, double[][] z1, double[][] z2, double[] uUnshifted, double[] tau,
                               double[] mom) {
        double[][] h1 = unit(z1);
        double[][] h2 = unit(z2);
        int g = h1.length;
        double m = 2.0 * (g - 1);
        double[][] x1 = logits(h1, h2);
        double[][] x2 = logits(h2, h1);
        boolean allZero = true;
        for (double u : uUnshifted) {
            allZero &= u == 0;
        }
        double value = 0;
        double[] uNew = new double[g];
        double[] tauNew = tau.clone();
        double[] momNew = mom.clone();
        double[] grad = new double[g];
        double[][] p1 = new double[g][2 * g];
        double[][] p2 = new double[g][2 * g];
        for (int i = 0; i < g; i++) {
            double t = c.mode() == TemperatureMode.INDIVIDUAL ? tau[i] : c.tau();
            boolean first = c.firstVisit() == FirstVisitRule.PER_SAMPLE ? uUnshifted[i] == 0 : allZero;
            double gam = first ? 1 : c.gamma();
            double s1 = 0;
            double s2 = 0;
            for (int j = 0; j < 2 * g; j++) {
                if (j != i && j != g + i) {
                    s1 += Math.exp(x1[i][j] / t);
                    s2 += Math.exp(x2[i][j] / t);
                }
            }
            double u1 = Math.max((1 - gam) * uUnshifted[i] + gam * s1 / m, 1e-20);
            double u2 = Math.max((1 - gam) * uUnshifted[i] + gam * s2 / m, 1e-20);
            uNew[i] = (u1 + u2) / 2;
            double w1 = 0;
            double w2 = 0;
            for (int j = 0; j < 2 * g; j++) {
                if (j != i && j != g + i) {
                    p1[i][j] = Math.exp(x1[i][j] / t) / u1;
                    p2[i][j] = Math.exp(x2[i][j] / t) / u2;
                    w1 += p1[i][j] * x1[i][j] / m;
                    w2 += p2[i][j] * x2[i][j] / m;
                }
            }
            value += (-x1[i][i] + w1 - x2[i][i] + w2) / g;
            if (c.mode() == TemperatureMode.INDIVIDUAL) {
                double gi = 0.5 * ((Math.log(u1) + c.rho() - w1 / t) + (Math.log(u2) + c.rho() - w2 / t));
                grad[i] = gi;
                if (c.tauGradClip() > 0) {
                    gi = Math.max(-c.tauGradClip(), Math.min(c.tauGradClip(), gi));
                }
                momNew[i] = (1 - c.beta()) * mom[i] + c.beta() * gi;
                tauNew[i] = Math.max(c.tauMin(), Math.min(c.tauMax(), tau[i] - c.eta() * momNew[i]));
            }
        }
        return new Reference(value, uNew, tauNew, momNew, grad, p1, p2);
    }

    /** The surrogate with the weights p held fixed (what autograd differentiates). */
    static double frozenSurrogate(double[][] z1, double[][] z2, double[][] p1, double[][] p2) {
        double[][] h1 = unit(z1);
        double[][] h2 = unit(z2);
        int g = h1.length;
        double m = 2.0 * (g - 1);
        double[][] x1 = logits(h1, h2);
        double[][] x2 = logits(h2, h1);
        double value = 0;
        for (int i = 0; i < g; i++) {
            value += -x1[i][i] - x2[i][i];
            for (int j = 0; j < 2 * g; j++) {
                value += (p1[i][j] * x1[i][j] + p2[i][j] * x2[i][j]) / m;
            }
        }
        return value / g;
    }

    /** (1/G) Σ_i Σ_v [τ_i log((1/m) Σ_neg exp(X_ij/τ_i)) − X_ii]: its gradient is the estimator's at a first visit. */
    static double globalObjective(double[][] z1, double[][] z2, double[] tau) {
        double[][] h1 = unit(z1);
        double[][] h2 = unit(z2);
        int g = h1.length;
        double m = 2.0 * (g - 1);
        double value = 0;
        for (double[][] x : new double[][][]{logits(h1, h2), logits(h2, h1)}) {
            for (int i = 0; i < g; i++) {
                double s = 0;
                for (int j = 0; j < 2 * g; j++) {
                    if (j != i && j != g + i) {
                        s += Math.exp(x[i][j] / tau[i]);
                    }
                }
                value += tau[i] * Math.log(s / m) - x[i][i];
            }
        }
        return value / g;
    }

    private static double[] unshiftedU(SampleState s) {
        double[] u = new double[s.size()];
        for (int k = 0; k < u.length; k++) {
            u[k] = s.u()[k] * Math.exp(s.shift()[k]);
        }
        return u;
    }

    private static void assertMatchesReference(String what, GclResult got, Reference ref) {
        assertEquals(ref.value(), got.value(), 1e-12, what + " value");
        assertArrayEquals(ref.u(), unshiftedU(got.state()), 1e-12 * Math.max(1, max(ref.u())), what + " u");
        assertArrayEquals(ref.tau(), got.state().tau(), 1e-13, what + " tau");
        assertArrayEquals(ref.momentum(), got.state().momentum(), 1e-12, what + " momentum");
        assertArrayEquals(ref.tauGradient(), got.tauGradient(), 1e-11, what + " tau gradient");
    }

    private static double max(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    @Test
    void handComputedValuesOnThreeOrthogonalSamples() {
        // Both views equal and orthonormal: each anchor's positive has cosine 1, its m = 4 negatives cosine 0.
        INDArray e = Nd4j.create(new double[][]{{2, 0, 0}, {0, 3, 0}, {0, 0, 1}});
        GclConfig c = GclConfig.isogclrUnimodal();            // τ0 .1, ρ .3, η .01, β .9, γ .9
        GlobalContrastiveLoss loss = new GlobalContrastiveLoss(c);
        GclResult first = loss.compute(e, e, SampleState.initial(3, 0.1));
        // first visit: g = (4·e^0)/4 = 1 = u; p = 1; surrogate per view −1 + (1/4)Σ 1·0 = −1 -> −2 per anchor
        assertEquals(-2, first.value(), 1e-15);
        // G = log 1 + ρ − 0 = .3; m = .9·.3 = .27; τ = .1 − .01·.27 = .0973
        for (int i = 0; i < 3; i++) {
            assertEquals(1, first.state().u()[i], 1e-15);
            assertEquals(0.3, first.tauGradient()[i], 1e-15);
            assertEquals(0.27, first.state().momentum()[i], 1e-15);
            assertEquals(0.0973, first.state().tau()[i], 1e-15);
        }
        // objective: Σ_v [τ(log u + b) − 1] + 2ρτ = −2 + .06 per anchor
        assertEquals(-1.94, first.objective(), 1e-14);
        // a second visit from u = 2: u = .1·2 + .9·1 = 1.1, G = log 1.1 + .3, m = .1·.27 + .9 G, τ = .0973 − .01 m
        SampleState visited = new SampleState(new double[]{2, 2, 2}, new double[3], first.state().tau(),
                first.state().momentum());
        GclResult second = loss.compute(e, e, visited);
        double g2 = Math.log(1.1) + 0.3;
        double m2 = 0.1 * 0.27 + 0.9 * g2;
        assertEquals(-2, second.value(), 1e-15);
        assertEquals(1.1, second.state().u()[0], 1e-15);
        assertEquals(g2, second.tauGradient()[1], 1e-15);
        assertEquals(m2, second.state().momentum()[2], 1e-15);
        assertEquals(0.0973 - 0.01 * m2, second.state().tau()[2], 1e-15);
    }

    static List<GclConfig> variants() {
        List<GclConfig> out = new ArrayList<>();
        for (GclConfig base : new GclConfig[]{GclConfig.sogclr(0.3), GclConfig.isogclrUnimodal().withTau(0.2, 0.05,
                0.7).withTauUpdate(0.3, 0.05, 0.9, 0)}) {
            for (FirstVisitRule rule : FirstVisitRule.values()) {
                for (boolean shift : new boolean[]{true, false}) {
                    out.add(base.withFirstVisit(rule).withRunningMaxShift(shift));
                }
            }
        }
        // G clip at ±.2 and a τ that hits its lower bound
        out.add(GclConfig.isogclrUnimodal().withTau(0.2, 0.19, 0.7).withTauUpdate(0.3, 0.5, 0.9, 0.2));
        return out;
    }

    @Test
    void matchesTheSpecStepAndFiniteDifferencesOfTheFrozenSurrogate() {
        Random rnd = new Random(51);
        INDArray z1 = GradientCheck.gaussian(rnd, 3, 4);
        INDArray z2 = GradientCheck.gaussian(rnd, 3, 4);
        double[] u0 = {0, 1.7, 0.9};          // sample 0 unvisited, the others visited
        double[] tau0 = {0.2, 0.35, 0.12};
        double[] m0 = {0, 0.4, -0.3};
        double worst = 0;
        for (GclConfig c : variants()) {
            GclResult got = new GlobalContrastiveLoss(c).compute(z1, z2,
                    new SampleState(u0.clone(), new double[3], tau0.clone(), m0.clone()));
            Reference ref = reference(c, z1.toDoubleMatrix(), z2.toDoubleMatrix(), u0, tau0, m0);
            assertMatchesReference(c.toString(), got, ref);
            worst = Math.max(worst, GradientCheck.assertMatches(c.toString(), new INDArray[]{z1, z2},
                    new INDArray[]{got.view1(), got.view2()}, x -> frozenSurrogate(x[0], x[1], ref.p1(), ref.p2())));
        }
        System.out.printf("GlobalContrastiveLoss: %d variants, worst relative gradient error %.2e%n",
                variants().size(), worst);
    }

    /**
     * The τ gradient's sign and its u: at a first visit (u = g) the spec's G_i = log u + b + ρ − (1/m) Σ_j p_ij X_ij/τ_i
     * must equal ∂/∂τ_i of the anchor's iSogCLR objective ½ Σ_v [τ_i log((1/m) Σ_j exp(X^v_ij/τ_i)) + ρ τ_i]
     * (= ρ − KL(softmax‖uniform)), i.e. (G/2)·∂(reported objective)/∂τ_i, checked by central differences in τ_i.
     */
    @Test
    void atAFirstVisitTheTauGradientIsTheDerivativeOfTheObjectiveInTau() {
        Random rnd = new Random(53);
        INDArray z1 = GradientCheck.gaussian(rnd, 4, 5);
        INDArray z2 = GradientCheck.gaussian(rnd, 4, 5);
        double[] tau = {0.3, 0.15, 0.6, 0.08};
        GclConfig c = GclConfig.isogclrUnimodal().withTau(0.1, 0.05, 1.0);
        GclResult got = new GlobalContrastiveLoss(c).compute(z1, z2,
                new SampleState(new double[4], new double[4], tau, new double[4]));
        double eps = 1e-6;
        for (int r = 0; r < 4; r++) {
            double[] up = tau.clone();
            double[] down = tau.clone();
            up[r] += eps;
            down[r] -= eps;
            double fUp = new GlobalContrastiveLoss(c).compute(z1, z2,
                    new SampleState(new double[4], new double[4], up, new double[4])).objective();
            double fDown = new GlobalContrastiveLoss(c).compute(z1, z2,
                    new SampleState(new double[4], new double[4], down, new double[4])).objective();
            double numeric = 4 / 2.0 * (fUp - fDown) / (2 * eps);
            assertEquals(numeric, got.tauGradient()[r], 1e-6 * Math.max(1, Math.abs(numeric)), "anchor " + r);
        }
    }

    @Test
    void atAFirstVisitTheGradientIsThatOfTheGlobalContrastiveObjective() {
        Random rnd = new Random(52);
        INDArray z1 = GradientCheck.gaussian(rnd, 3, 5);
        INDArray z2 = GradientCheck.gaussian(rnd, 3, 5);
        double[] tau = {0.3, 0.15, 0.6};
        GclConfig c = GclConfig.isogclrUnimodal().withTau(0.1, 0.05, 1.0);
        GclResult got = new GlobalContrastiveLoss(c).compute(z1, z2,
                new SampleState(new double[3], new double[3], tau, new double[3]));
        double worst = GradientCheck.assertMatches("first visit", new INDArray[]{z1, z2},
                new INDArray[]{got.view1(), got.view2()}, x -> globalObjective(x[0], x[1], tau));
        System.out.printf("GlobalContrastiveLoss first visit vs objective: worst relative gradient error %.2e%n", worst);
    }

    @Test
    void twoWorkersEqualTheSingleBatchInValueGradientsAndState() {
        Random rnd = new Random(53);
        INDArray z1 = GradientCheck.gaussian(rnd, 5, 4);
        INDArray z2 = GradientCheck.gaussian(rnd, 5, 4);
        SampleState start = new SampleState(new double[]{0, 1.2, 0.8, 0, 2.5}, new double[]{0, 0.5, 1.0, 0, 2.0},
                new double[]{0.1, 0.2, 0.3, 0.4, 0.5}, new double[]{0, 0.1, -0.1, 0, 0.3});
        for (GclConfig c : new GclConfig[]{GclConfig.sogclr(0.2), GclConfig.isogclrUnimodal()}) {
            GlobalContrastiveLoss loss = new GlobalContrastiveLoss(c);
            GclResult whole = loss.compute(z1, z2, start);
            GclResult w0 = loss.computeBlock(z1, z2, 0, start.slice(0, 2));
            GclResult w1 = loss.computeBlock(z1, z2, 2, start.slice(2, 3));
            assertEquals(whole.value(), w0.value() + w1.value(), 1e-14);
            assertEquals(whole.objective(), w0.objective() + w1.objective(), 1e-14);
            assertEquals(0, whole.view1().sub(w0.view1().add(w1.view1())).norm2Number().doubleValue(), 1e-14);
            assertEquals(0, whole.view2().sub(w0.view2().add(w1.view2())).norm2Number().doubleValue(), 1e-14);
            for (int k = 0; k < 5; k++) {
                double[] expected = whole.state().record(k);
                double[] actual = k < 2 ? w0.state().record(k) : w1.state().record(k - 2);
                assertArrayEquals(expected, actual, 1e-15, "state of sample " + k);
            }
        }
    }

    @Test
    void theRunningMaxShiftChangesNothingButPreventsOverflow() {
        Random rnd = new Random(54);
        INDArray z1 = GradientCheck.gaussian(rnd, 4, 3);
        INDArray z2 = GradientCheck.gaussian(rnd, 4, 3);
        SampleState plain = new SampleState(new double[]{0, 3, 0.5, 7}, new double[4], new double[]{.1, .2, .3, .06},
                new double[4]);
        GclConfig c = GclConfig.isogclrUnimodal();
        GclResult off = new GlobalContrastiveLoss(c.withRunningMaxShift(false)).compute(z1, z2, plain);
        GclResult on = new GlobalContrastiveLoss(c).compute(z1, z2, plain);
        assertEquals(off.value(), on.value(), 1e-12);
        assertArrayEquals(off.state().u(), unshiftedU(on.state()), 1e-9);
        assertArrayEquals(off.state().tau(), on.state().tau(), 1e-14);
        assertEquals(0, off.view1().sub(on.view1()).norm2Number().doubleValue(), 1e-12);
        assertTrue(max(on.state().shift()) > 10, "the shift is in use");

        // τ = 1e-3: exp(h/τ) reaches e^1000, beyond double. With the shift the first visit matches the stable
        // closed form: value = Σ_v [−X_ii + Σ_j softmax_j X_ij], G = ½ Σ_v [LSE_v − log m + ρ − Σ_j softmax_j X_ij/τ].
        GclConfig tiny = c.withTau(1e-3, 1e-4, 1.0);
        SampleState fresh = SampleState.initial(4, 1e-3);
        GclResult got = new GlobalContrastiveLoss(tiny).compute(z1, z2, fresh);
        double[][] h1 = unit(z1.toDoubleMatrix());
        double[][] h2 = unit(z2.toDoubleMatrix());
        double expected = 0;
        double[] expectedG = new double[4];
        for (double[][] x : new double[][][]{logits(h1, h2), logits(h2, h1)}) {
            for (int i = 0; i < 4; i++) {
                double mx = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < 8; j++) {
                    if (j != i && j != 4 + i) {
                        mx = Math.max(mx, x[i][j] / 1e-3);
                    }
                }
                double s = 0;
                double sx = 0;
                for (int j = 0; j < 8; j++) {
                    if (j != i && j != 4 + i) {
                        s += Math.exp(x[i][j] / 1e-3 - mx);
                        sx += Math.exp(x[i][j] / 1e-3 - mx) * x[i][j];
                    }
                }
                expected += (-x[i][i] + sx / s) / 4;
                expectedG[i] += 0.5 * (mx + Math.log(s) - Math.log(6) + 0.3 - sx / s / 1e-3);
            }
        }
        assertEquals(expected, got.value(), 1e-9);
        assertArrayEquals(expectedG, got.tauGradient(), 1e-6);
        assertTrue(Double.isFinite(got.view1().norm2Number().doubleValue()));
        assertTrue(max(got.state().shift()) > 200);
        assertThrows(ArithmeticException.class,
                () -> new GlobalContrastiveLoss(tiny.withRunningMaxShift(false)).compute(z1, z2, fresh));
    }

    @Test
    void sogclrKeepsItsTemperatureAndEdgeCases() {
        Random rnd = new Random(55);
        INDArray z1 = GradientCheck.gaussian(rnd, 3, 3);
        INDArray z2 = GradientCheck.gaussian(rnd, 3, 3);
        SampleState s = new SampleState(new double[]{0, 1, 2}, new double[3], new double[]{.5, .6, .7},
                new double[]{.1, .2, .3});
        GclResult got = new GlobalContrastiveLoss(GclConfig.sogclr(0.2)).compute(z1, z2, s);
        assertArrayEquals(s.tau(), got.state().tau(), 0);
        assertArrayEquals(s.momentum(), got.state().momentum(), 0);
        assertArrayEquals(new double[3], got.tauGradient(), 0);
        // identical embeddings: every cosine 1 -> surrogate 0 and zero gradient (cosines at their maximum), G = ρ
        INDArray same = Nd4j.create(new double[][]{{1, 2}, {1, 2}, {1, 2}});
        GclResult flat = new GlobalContrastiveLoss(GclConfig.isogclrUnimodal()).compute(same, same,
                SampleState.initial(3, 0.1));
        assertEquals(0, flat.value(), 1e-12);
        assertEquals(0.3, flat.tauGradient()[0], 1e-12);
        assertEquals(0, flat.view1().norm2Number().doubleValue(), 1e-12);
        // a single sample has no negative
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GlobalContrastiveLoss(GclConfig.sogclr(0.1)).compute(LossInputs.rows(z1, 0, 1),
                        LossInputs.rows(z2, 0, 1), SampleState.initial(1, 0.1)));
        assertTrue(e.getMessage().contains("at least 2 samples"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GlobalContrastiveLoss(GclConfig.sogclr(0.1))
                .computeBlock(z1, z2, 2, SampleState.initial(2, 0.1)));
        assertThrows(IllegalArgumentException.class,
                () -> new SampleState(new double[]{-1}, new double[1], new double[]{.1}, new double[1]));
    }
}

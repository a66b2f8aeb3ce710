package org.sparktrain.losses.contrastive;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.GradientCheck;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BimodalGlobalContrastiveLossTest {

    /** One direction of the spec's bimodal step in plain Java; h[i][j] are the anchor-i shifted scores. */
    record DirectionRef(double value, double[] u, double[] b, double[] tau, double[] m, double[] grad, double[][] p) {
    }

    static DirectionRef direction(GclConfig c, BimodalConvention conv, double[][] h, SampleState s) {
        int g = h.length;
        double n = g - 1;
        double value = 0;
        double[] u = new double[g];
        double[] b = new double[g];
        double[] tau = s.tau().clone();
        double[] m = s.momentum().clone();
        double[] grad = new double[g];
        double[][] p = new double[g][g];
        for (int i = 0; i < g; i++) {
            double t = c.mode() == TemperatureMode.INDIVIDUAL ? s.tau()[i] : c.tau();
            double bi = s.shift()[i];
            for (int j = 0; j < g; j++) {
                if (j != i || conv.positiveInNormalizer()) {
                    bi = Math.max(bi, h[i][j] / t);
                }
            }
            double sum = 0;
            double[] e = new double[g];
            for (int j = 0; j < g; j++) {
                if (j != i || conv.positiveInNormalizer()) {
                    e[j] = Math.exp(h[i][j] / t - bi);
                    sum += e[j];
                }
            }
            double gam = s.u()[i] == 0 ? 1 : c.gamma();
            u[i] = Math.max((1 - gam) * s.u()[i] * Math.exp(s.shift()[i] - bi) + gam * sum / n, 1e-20);
            b[i] = bi;
            double wl = 0;
            for (int j = 0; j < g; j++) {
                p[i][j] = e[j] / u[i];
                value += p[i][j] * h[i][j] / g / (conv.divideByNegatives() ? n : 1);
                wl += p[i][j] * h[i][j] / t / n;
            }
            if (c.mode() == TemperatureMode.INDIVIDUAL) {
                grad[i] = Math.log(u[i]) + bi + c.rho() - wl;
                double gi = c.tauGradClip() > 0 ? Math.max(-c.tauGradClip(), Math.min(c.tauGradClip(), grad[i]))
                        : grad[i];
                m[i] = (1 - c.beta()) * m[i] + c.beta() * gi;
                tau[i] = Math.max(c.tauMin(), Math.min(c.tauMax(), tau[i] - c.eta() * m[i]));
            }
        }
        return new DirectionRef(value, u, b, tau, m, grad, p);
    }

    /** H^I_ij = S_ij − S_ii and H^T_ij = S_ji − S_ii from raw features. */
    static double[][][] shiftedScores(double[][] img, double[][] txt) {
        double[][] hi = GlobalContrastiveLossTest.unit(img);
        double[][] ht = GlobalContrastiveLossTest.unit(txt);
        int g = hi.length;
        double[][] s = new double[g][g];
        for (int i = 0; i < g; i++) {
            for (int j = 0; j < g; j++) {
                s[i][j] = GlobalContrastiveLossTest.dot(hi[i], ht[j]);
            }
        }
        double[][] hI = new double[g][g];
        double[][] hT = new double[g][g];
        for (int i = 0; i < g; i++) {
            for (int j = 0; j < g; j++) {
                hI[i][j] = s[i][j] - s[i][i];
                hT[i][j] = s[j][i] - s[i][i];
            }
        }
        return new double[][][]{hI, hT};
    }

    static double frozenSurrogate(BimodalConvention conv, double[][] img, double[][] txt, double[][] pI,
                                  double[][] pT) {
        double[][][] h = shiftedScores(img, txt);
        int g = img.length;
        double v = 0;
        for (int i = 0; i < g; i++) {
            for (int j = 0; j < g; j++) {
                v += (pI[i][j] * h[0][i][j] + pT[i][j] * h[1][i][j]) / g / (conv.divideByNegatives() ? g - 1 : 1);
            }
        }
        return conv.sumDirections() ? v : v / 2;
    }

    @Test
    void handComputedValuesOnThreeOrthogonalPairs() {
        // I = T = orthonormal: S = identity, H_ij = −1 for j ≠ i. Defaults: ρ 6, η .01, β .9, τ ∈ [.005, .05]; τ = .05
        INDArray e = Nd4j.create(new double[][]{{1, 0, 0}, {0, 2, 0}, {0, 0, 3}});
        GclConfig c = GclConfig.isogclrBimodal();
        SampleState fresh = SampleState.initial(3, 0.05);
        BimodalGclResult r = new BimodalGlobalContrastiveLoss(c, BimodalConvention.libauc()).compute(e, e, fresh,
                fresh);
        // b' = max(0, −20) = 0; u = (2 e^{−20})/2 = e^{−20}; p = 1; Σ_j p H = −2 per anchor; mean of directions
        assertEquals(-2, r.value(), 1e-12);
        // G = log u + b + ρ − Σ p H/τ / 2 = −20 + 6 + 20 = 6; m = .9·6 = 5.4; τ = .05 − .054 -> τ_min .005
        assertEquals(Math.exp(-20), r.imageState().u()[0], 1e-12 * Math.exp(-20));
        assertEquals(6, r.imageTauGradient()[1], 1e-9);
        assertEquals(5.4, r.textState().momentum()[2], 1e-9);
        assertEquals(0.005, r.textState().tau()[0], 0);
        // original convention: the positive (h = 0) joins: u = (1 + 2e^{−20})/2, p_neg = 2e^{−20}/(1 + 2e^{−20}),
        // loss per direction and anchor = Σ_j p H / 2 = −p_neg, directions summed
        BimodalGclResult o = new BimodalGlobalContrastiveLoss(c, BimodalConvention.originalRepo()).compute(e, e,
                fresh, fresh);
        double pNeg = 2 * Math.exp(-20) / (1 + 2 * Math.exp(-20));
        assertEquals(-2 * pNeg, o.value(), 1e-20);
        assertEquals((1 + 2 * Math.exp(-20)) / 2, o.imageState().u()[1], 1e-15);
        // τ = .01: b stays 0 (it starts at 0 and only grows), u = e^{−100} falls under the 1e-20 floor, so
        // p = e^{−100}/1e-20 (spec pitfall 2): Σ_j p H = −2 e^{−100}/1e-20 per anchor
        SampleState cold = SampleState.initial(3, 0.01);
        BimodalGclResult floored = new BimodalGlobalContrastiveLoss(c, BimodalConvention.libauc()).compute(e, e, cold,
                cold);
        assertEquals(1e-20, floored.imageState().u()[2], 0);
        assertEquals(-2 * Math.exp(-100) / 1e-20, floored.value(), 1e-35);
    }

    @Test
    void matchesTheSpecStepAndFiniteDifferences() {
        Random rnd = new Random(61);
        INDArray img = GradientCheck.gaussian(rnd, 3, 4);
        INDArray txt = GradientCheck.gaussian(rnd, 3, 4);
        SampleState si = new SampleState(new double[]{0, 0.8, 2.0}, new double[]{0, 0.5, 1.5},
                new double[]{0.2, 0.3, 0.4}, new double[]{0, 0.1, -0.2});
        SampleState st = new SampleState(new double[]{1.1, 0, 0.3}, new double[]{0.2, 0, 0},
                new double[]{0.25, 0.35, 0.15}, new double[]{0.3, 0, 0.1});
        double worst = 0;
        GclConfig iso = GclConfig.isogclrBimodal().withTau(0.2, 0.05, 1.0).withTauUpdate(0.5, 0.05, 0.9, 0);
        for (GclConfig c : new GclConfig[]{iso, iso.withTauUpdate(0.5, 0.05, 0.9, 0.1), GclConfig.sogclr(0.3)}) {
            for (BimodalConvention conv : new BimodalConvention[]{BimodalConvention.libauc(),
                    BimodalConvention.originalRepo(), new BimodalConvention(false, true, false)}) {
                String what = c + " " + conv;
                BimodalGclResult got = new BimodalGlobalContrastiveLoss(c, conv).compute(img, txt, si, st);
                double[][][] h = shiftedScores(img.toDoubleMatrix(), txt.toDoubleMatrix());
                DirectionRef ri = direction(c, conv, h[0], si);
                DirectionRef rt = direction(c, conv, h[1], st);
                double mix = conv.sumDirections() ? 1 : 0.5;
                assertEquals(mix * (ri.value() + rt.value()), got.value(), 1e-12, what);
                assertArrayEquals(ri.u(), got.imageState().u(), 1e-12, what);
                assertArrayEquals(rt.b(), got.textState().shift(), 1e-12, what);
                assertArrayEquals(ri.tau(), got.imageState().tau(), 1e-13, what);
                assertArrayEquals(rt.m(), got.textState().momentum(), 1e-12, what);
                assertArrayEquals(ri.grad(), got.imageTauGradient(), 1e-11, what);
                assertArrayEquals(rt.grad(), got.textTauGradient(), 1e-11, what);
                worst = Math.max(worst, GradientCheck.assertMatches(what, new INDArray[]{img, txt},
                        new INDArray[]{got.image(), got.text()},
                        x -> frozenSurrogate(conv, x[0], x[1], ri.p(), rt.p())));
            }
        }
        System.out.printf("BimodalGlobalContrastiveLoss: worst relative gradient error %.2e%n", worst);
    }

    @Test
    void atAFirstVisitTheGradientIsThatOfTheObjective() {
        Random rnd = new Random(62);
        INDArray img = GradientCheck.gaussian(rnd, 4, 3);
        INDArray txt = GradientCheck.gaussian(rnd, 4, 3);
        double[] tauI = {0.2, 0.5, 0.1, 0.3};
        double[] tauT = {0.4, 0.15, 0.25, 0.6};
        GclConfig c = GclConfig.isogclrBimodal().withTau(0.1, 0.05, 1.0);
        BimodalConvention divided = new BimodalConvention(false, true, false);
        BimodalGclResult got = new BimodalGlobalContrastiveLoss(c, divided).compute(img, txt,
                new SampleState(new double[4], new double[4], tauI, new double[4]),
                new SampleState(new double[4], new double[4], tauT, new double[4]));
        // F = ½ (1/G) Σ_i [τ_i log((1/n) Σ_{j≠i} exp(H^I_ij/τ_i)) + τ'_i log((1/n) Σ_{j≠i} exp(H^T_ij/τ'_i))]
        double worst = GradientCheck.assertMatches("bimodal first visit", new INDArray[]{img, txt},
                new INDArray[]{got.image(), got.text()}, x -> {
                    double[][][] h = shiftedScores(x[0], x[1]);
                    double f = 0;
                    for (int i = 0; i < 4; i++) {
                        double si = 0;
                        double st = 0;
                        for (int j = 0; j < 4; j++) {
                            if (j != i) {
                                si += Math.exp(h[0][i][j] / tauI[i]);
                                st += Math.exp(h[1][i][j] / tauT[i]);
                            }
                        }
                        f += tauI[i] * Math.log(si / 3) + tauT[i] * Math.log(st / 3);
                    }
                    return f / 4 / 2;
                });
        System.out.printf("BimodalGlobalContrastiveLoss first visit vs objective: worst %.2e%n", worst);
        // LibAUC's convention (no division) is the same direction, (G−1)× larger
        BimodalGclResult libauc = new BimodalGlobalContrastiveLoss(c, BimodalConvention.libauc()).compute(img, txt,
                new SampleState(new double[4], new double[4], tauI, new double[4]),
                new SampleState(new double[4], new double[4], tauT, new double[4]));
        assertEquals(0, libauc.image().sub(got.image().mul(3)).norm2Number().doubleValue(), 1e-13);
    }

    @Test
    void twoWorkersEqualTheSingleBatch() {
        Random rnd = new Random(63);
        INDArray img = GradientCheck.gaussian(rnd, 5, 3);
        INDArray txt = GradientCheck.gaussian(rnd, 5, 3);
        SampleState si = new SampleState(new double[]{0, 1, 2, 0, 0.5}, new double[]{0, 0.1, 0.2, 0, 0.3},
                new double[]{.1, .2, .3, .4, .5}, new double[]{0, .1, .2, 0, -.1});
        SampleState st = new SampleState(new double[]{3, 0, 1, 0.2, 0}, new double[]{0.4, 0, 0, 0.1, 0},
                new double[]{.5, .4, .3, .2, .1}, new double[]{.2, 0, -.2, .1, 0});
        for (BimodalConvention conv : new BimodalConvention[]{BimodalConvention.libauc(),
                BimodalConvention.originalRepo()}) {
            BimodalGlobalContrastiveLoss loss = new BimodalGlobalContrastiveLoss(
                    GclConfig.isogclrBimodal().withTau(0.1, 0.05, 1.0), conv);
            BimodalGclResult whole = loss.compute(img, txt, si, st);
            BimodalGclResult w0 = loss.computeBlock(img, txt, 0, si.slice(0, 3), st.slice(0, 3));
            BimodalGclResult w1 = loss.computeBlock(img, txt, 3, si.slice(3, 2), st.slice(3, 2));
            assertEquals(whole.value(), w0.value() + w1.value(), 1e-14);
            assertEquals(0, whole.image().sub(w0.image().add(w1.image())).norm2Number().doubleValue(), 1e-14);
            assertEquals(0, whole.text().sub(w0.text().add(w1.text())).norm2Number().doubleValue(), 1e-14);
            for (int k = 0; k < 5; k++) {
                BimodalGclResult w = k < 3 ? w0 : w1;
                int r = k < 3 ? k : k - 3;
                assertArrayEquals(whole.imageState().record(k), w.imageState().record(r), 1e-15);
                assertArrayEquals(whole.textState().record(k), w.textState().record(r), 1e-15);
            }
        }
    }

    @Test
    void tinyTemperatureStaysFinite() {
        // τ = 1e-3 with gaps up to 2 -> exp(2000) unshifted; the running max keeps every exponent <= 0
        Random rnd = new Random(64);
        INDArray img = GradientCheck.gaussian(rnd, 3, 3);
        INDArray txt = GradientCheck.gaussian(rnd, 3, 3);
        GclConfig c = GclConfig.isogclrBimodal().withTau(1e-3, 1e-4, 1.0);
        SampleState s0 = SampleState.initial(3, 1e-3);
        BimodalGclResult r = new BimodalGlobalContrastiveLoss(c, BimodalConvention.libauc()).compute(img, txt, s0, s0);
        double[][][] h = shiftedScores(img.toDoubleMatrix(), txt.toDoubleMatrix());
        DirectionRef ri = direction(c, BimodalConvention.libauc(), h[0], s0);
        DirectionRef rt = direction(c, BimodalConvention.libauc(), h[1], s0);
        assertEquals(0.5 * (ri.value() + rt.value()), r.value(), 1e-9);
        assertTrue(Double.isFinite(r.value()) && Double.isFinite(r.image().norm2Number().doubleValue()));
        assertThrows(ArithmeticException.class, () -> new BimodalGlobalContrastiveLoss(c.withRunningMaxShift(false),
                BimodalConvention.libauc()).compute(img, txt, s0, s0));
        // identical embeddings: H = 0 everywhere -> e = 1, u = 1, loss 0, G = ρ, zero gradient
        INDArray same = Nd4j.create(new double[][]{{1, 2}, {1, 2}, {1, 2}});
        BimodalGclResult flat = new BimodalGlobalContrastiveLoss(GclConfig.isogclrBimodal(), BimodalConvention.libauc())
                .compute(same, same, SampleState.initial(3, 0.01), SampleState.initial(3, 0.01));
        assertEquals(0, flat.value(), 1e-12);
        assertEquals(1, flat.imageState().u()[0], 1e-12);
        assertEquals(6, flat.textTauGradient()[2], 1e-12);
        assertEquals(0, flat.image().norm2Number().doubleValue() + flat.text().norm2Number().doubleValue(), 1e-12);
        // B = 1 has no negative
        assertThrows(IllegalArgumentException.class, () -> new BimodalGlobalContrastiveLoss(c,
                BimodalConvention.libauc()).compute(Nd4j.create(new double[][]{{1, 0}}),
                Nd4j.create(new double[][]{{0, 1}}), SampleState.initial(1, .1), SampleState.initial(1, .1)));
    }
}

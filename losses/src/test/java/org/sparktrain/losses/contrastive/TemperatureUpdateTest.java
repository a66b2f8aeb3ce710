package org.sparktrain.losses.contrastive;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The pure state updates against the spec's formulas, written out with literal numbers. */
class TemperatureUpdateTest {
    private static final GclConfig C = GclConfig.isogclrUnimodal()            // [.05, .7], η .01, β .9
            .withTauUpdate(0.3, 0.01, 0.9, 3.0);                               // G clip ±3 (original repo)

    @Test
    void momentumStepAndClipping() {
        // m = .1·.2 + .9·1.5 = 1.37; τ = .3 − .01·1.37 = .2863
        TemperatureUpdate s = TemperatureUpdate.step(1.5, 0.2, 0.3, C);
        assertEquals(1.37, s.momentum(), 1e-15);
        assertEquals(0.2863, s.tau(), 1e-15);
        // G = 10 is clipped to 3: m = .1·0 + .9·3 = 2.7; τ = .06 − .027 = .033 -> clipped up to τ_min .05
        s = TemperatureUpdate.step(10, 0, 0.06, C);
        assertEquals(2.7, s.momentum(), 1e-15);
        assertEquals(0.05, s.tau(), 0);
        // G = −50 clipped to −3: m = .1·(−1) + .9·(−3) = −2.8; τ = .69 + .028 -> clipped down to τ_max .7
        s = TemperatureUpdate.step(-50, -1, 0.69, C);
        assertEquals(-2.8, s.momentum(), 1e-15);
        assertEquals(0.7, s.tau(), 0);
        // without a G clip (LibAUC) G = 10 enters as is: m = 9, τ = .5 − .09 = .41
        s = TemperatureUpdate.step(10, 0, 0.5, C.withTauUpdate(0.3, 0.01, 0.9, 0));
        assertEquals(9, s.momentum(), 1e-14);
        assertEquals(0.41, s.tau(), 1e-15);
    }

    @Test
    void movingAverageFirstVisitAndShift() {
        // first visit: γ = 1 -> u = g whatever the stored u
        assertEquals(1, GclStateUpdate.effectiveGamma(true, 0.9), 0);
        assertEquals(0.9, GclStateUpdate.effectiveGamma(false, 0.9), 0);
        assertEquals(0.37, GclStateUpdate.movingAverage(0, 0, 0, 0.37, 1, 1e-20), 0);
        // later visit: u = (1−γ)u + γg = .1·2 + .9·.5 = .65
        assertEquals(0.65, GclStateUpdate.movingAverage(2, 0, 0, 0.5, 0.9, 1e-20), 1e-15);
        // b grows from 1 to 3: the old u is rescaled by e^{1−3} into the new domain
        assertEquals(0.1 * 2 * Math.exp(-2) + 0.9 * 0.5, GclStateUpdate.movingAverage(2, 1, 3, 0.5, 0.9, 1e-20), 1e-15);
        // the floor
        assertEquals(1e-20, GclStateUpdate.movingAverage(0, 0, 0, 0, 1, 1e-20), 0);
        // b only grows, and is 0 with the shift off
        assertEquals(5, GclStateUpdate.shift(5, 2, true), 0);
        assertEquals(7, GclStateUpdate.shift(5, 7, true), 0);
        assertEquals(0, GclStateUpdate.shift(5, 7, false), 0);
        // G = log u + b + ρ − mean weighted logit
        assertEquals(Math.log(0.65) + 2 + 0.3 - 1.25, GclStateUpdate.tauGradient(0.65, 2, 0.3, 1.25), 1e-15);
    }

    @Test
    void firstVisitRulesInTheLoss() {
        // one visited sample (u = 4) among unvisited ones: PER_SAMPLE blends only the visited one, BATCH blends all
        // (γ for all, so the unvisited ones get (1−γ)·0 + γ g = γ g).
        org.nd4j.linalg.api.ndarray.INDArray e = org.nd4j.linalg.factory.Nd4j.create(
                new double[][]{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        SampleState s = new SampleState(new double[]{0, 4, 0}, new double[3], new double[]{.1, .1, .1}, new double[3]);
        // every anchor's negatives have cosine 0, so g = 1 for all
        GclResult perSample = new GlobalContrastiveLoss(GclConfig.sogclr(0.1)).compute(e, e, s);
        assertArrayEquals(new double[]{1, 0.1 * 4 + 0.9, 1}, perSample.state().u(), 1e-15);
        GclResult batch = new GlobalContrastiveLoss(GclConfig.sogclr(0.1).withFirstVisit(FirstVisitRule.BATCH))
                .compute(e, e, s);
        assertArrayEquals(new double[]{0.9, 0.1 * 4 + 0.9, 0.9}, batch.state().u(), 1e-15);
        GclResult batchFresh = new GlobalContrastiveLoss(GclConfig.sogclr(0.1).withFirstVisit(FirstVisitRule.BATCH))
                .compute(e, e, SampleState.initial(3, 0.1));
        assertArrayEquals(new double[]{1, 1, 1}, batchFresh.state().u(), 1e-15);
    }

    @Test
    void gammaSchedule() {
        assertEquals(0.9, GammaSchedule.constant(0.9).at(7), 0);
        GammaSchedule cos = GammaSchedule.cosine(0.2, 10);
        assertEquals(1.0, cos.at(0), 1e-15);
        assertEquals(0.2 + 0.8 * 0.5, cos.at(5), 1e-15);
        assertEquals(0.2, cos.at(10), 0);
        assertEquals(0.2, cos.at(25), 0);
    }
}

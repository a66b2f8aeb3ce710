package org.sparktrain.jobs.contrastive;

import org.sparktrain.config.Check;
import org.sparktrain.losses.contrastive.FirstVisitRule;
import org.sparktrain.losses.contrastive.GammaSchedule;
import org.sparktrain.losses.contrastive.GclConfig;
import org.sparktrain.losses.contrastive.TemperatureMode;

/**
 * Loss settings of {@code train-contrastive} (spec: shared/specs/isogclr.md §b-c). Defaults are LibAUC's
 * {@code GCLoss_v1} (unimodal) defaults with the original repo's clip of the τ gradient at ±3.
 *
 * @param tau              simclr / sogclr: the fixed temperature; isogclr: the initial τ_i; default 0.1
 * @param tauMin           isogclr: lower bound of τ_i; default 0.05
 * @param tauMax           isogclr: upper bound of τ_i; default 0.7
 * @param rho              isogclr: KL radius ρ; default 0.3
 * @param eta              isogclr: step size of the τ update; default 0.01
 * @param beta             isogclr: momentum weight of the new τ gradient; default 0.9
 * @param gamma            sogclr / isogclr: moving-average weight γ (γ_min of the schedule); default 0.9
 * @param gammaDecayEpochs cosine decay of γ from 1 to {@code gamma} over this many epochs; default 0 = constant
 * @param tauGradClip      clip of the τ gradient G_i to [−c, c]; default 3; 0 = off
 */
public record ContrastiveLossConfig(Double tau, Double tauMin, Double tauMax, Double rho, Double eta, Double beta,
                                    Double gamma, Integer gammaDecayEpochs, Double tauGradClip)
        implements java.io.Serializable {
    public ContrastiveLossConfig {
        tau = Check.positive("tau", tau, 0.1);
        tauMin = Check.positive("tauMin", tauMin, 0.05);
        tauMax = Check.positive("tauMax", tauMax, 0.7);
        if (tauMax < tauMin) {
            throw new IllegalArgumentException("tauMax: must be >= tauMin = " + tauMin + ", got " + tauMax);
        }
        rho = Check.inRange("rho", rho, 0.3, 0, 1e3);
        eta = Check.inRange("eta", eta, 0.01, 0, 1e3);
        beta = Check.inRange("beta", beta, 0.9, 1e-9, 1);
        gamma = Check.inRange("gamma", gamma, 0.9, 1e-9, 1);
        gammaDecayEpochs = Check.atLeast("gammaDecayEpochs", gammaDecayEpochs, 0, 0);
        tauGradClip = Check.inRange("tauGradClip", tauGradClip, 3.0, 0, 1e9);
    }

    public static ContrastiveLossConfig defaults() {
        return new ContrastiveLossConfig(null, null, null, null, null, null, null, null, null);
    }

    /** The loss config of {@code losses} for sogclr (GLOBAL) or isogclr (INDIVIDUAL), at γ of epoch 0. */
    public GclConfig gclConfig(boolean individual) {
        if (!individual) {
            return GclConfig.sogclr(tau).withGamma(gamma);
        }
        return new GclConfig(TemperatureMode.INDIVIDUAL, tau, tauMin, tauMax, rho, eta, beta, gamma, tauGradClip,
                FirstVisitRule.PER_SAMPLE, true, 1e-20);
    }

    public GammaSchedule gammaSchedule() {
        return new GammaSchedule(gamma, gammaDecayEpochs);
    }
}

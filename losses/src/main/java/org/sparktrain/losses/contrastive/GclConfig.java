package org.sparktrain.losses.contrastive;

/**
 * Settings of the global contrastive losses (SogCLR and iSogCLR, {@link GlobalContrastiveLoss} and
 * {@link BimodalGlobalContrastiveLoss}). Spec: {@code shared/specs/isogclr.md} §b–c.
 *
 * @param mode            GLOBAL (SogCLR) or INDIVIDUAL (iSogCLR)
 * @param tau             GLOBAL: the fixed τ; INDIVIDUAL: the initial τ_i of {@link SampleState#initial}
 * @param tauMin          lower bound of τ_i (INDIVIDUAL)
 * @param tauMax          upper bound of τ_i (INDIVIDUAL)
 * @param rho             KL radius ρ (INDIVIDUAL)
 * @param eta             step size η of the τ update (INDIVIDUAL)
 * @param beta            momentum weight β of the new τ gradient: m ← (1−β)m + βG (INDIVIDUAL)
 * @param gamma           moving-average weight γ of the new batch estimate: u ← (1−γ)u + γg (per epoch from
 *                        {@link GammaSchedule})
 * @param tauGradClip     clip G_i to [−c, c] before the momentum; 0 = no clip (LibAUC); the original repos use 3
 *                        (unimodal) and 5 (bimodal)
 * @param firstVisit      {@link FirstVisitRule}; default PER_SAMPLE
 * @param runningMaxShift keep u_i in the domain shifted by the running max b_i (overflow protection, default on;
 *                        mathematically the same loss, gradient and τ update while nothing overflows)
 * @param uFloor          u_i = max(u_i, uFloor) after each update (LibAUC bimodal: 1e-20)
 */
public record GclConfig(TemperatureMode mode, double tau, double tauMin, double tauMax, double rho, double eta,
                        double beta, double gamma, double tauGradClip, FirstVisitRule firstVisit,
                        boolean runningMaxShift, double uFloor) {
    public GclConfig {
        if (mode == null || firstVisit == null) {
            throw new IllegalArgumentException("mode and firstVisit must be set");
        }
        positive("tau", tau);
        if (mode == TemperatureMode.INDIVIDUAL) {
            positive("tauMin", tauMin);
            if (!(tauMax >= tauMin) || Double.isInfinite(tauMax)) {
                throw new IllegalArgumentException("tauMax must be finite and >= tauMin, got [" + tauMin + ", "
                        + tauMax + "]");
            }
            if (!(eta >= 0) || !(beta > 0 && beta <= 1) || !Double.isFinite(rho)) {
                throw new IllegalArgumentException("need eta >= 0, beta in (0, 1], finite rho; got eta=" + eta
                        + " beta=" + beta + " rho=" + rho);
            }
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
        }
        if (!(tauGradClip >= 0)) {
            throw new IllegalArgumentException("tauGradClip must be >= 0 (0 = off), got " + tauGradClip);
        }
        if (!(uFloor > 0)) {
            throw new IllegalArgumentException("uFloor must be > 0, got " + uFloor);
        }
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + v);
        }
    }

    /** SogCLR with a fixed τ and γ = 0.9 (SogCLR ImageNet / LibAUC defaults). */
    public static GclConfig sogclr(double tau) {
        return new GclConfig(TemperatureMode.GLOBAL, tau, tau, tau, 0, 0, 1, 0.9, 0, FirstVisitRule.PER_SAMPLE, true,
                1e-20);
    }

    /** iSogCLR unimodal, LibAUC {@code GCLoss_v1} defaults: γ .9, τ₀ .1, τ ∈ [.05, .7], ρ .3, η .01, β .9. */
    public static GclConfig isogclrUnimodal() {
        return new GclConfig(TemperatureMode.INDIVIDUAL, 0.1, 0.05, 0.7, 0.3, 0.01, 0.9, 0.9, 0,
                FirstVisitRule.PER_SAMPLE, true, 1e-20);
    }

    /** iSogCLR bimodal, LibAUC {@code GCLoss_v2} defaults: γ .9, τ₀ .01, τ ∈ [.005, .05], ρ 6, η .01, β .9. */
    public static GclConfig isogclrBimodal() {
        return new GclConfig(TemperatureMode.INDIVIDUAL, 0.01, 0.005, 0.05, 6.0, 0.01, 0.9, 0.9, 0,
                FirstVisitRule.PER_SAMPLE, true, 1e-20);
    }

    public GclConfig withGamma(double g) {
        return new GclConfig(mode, tau, tauMin, tauMax, rho, eta, beta, g, tauGradClip, firstVisit, runningMaxShift,
                uFloor);
    }

    public GclConfig withTau(double t, double min, double max) {
        return new GclConfig(mode, t, min, max, rho, eta, beta, gamma, tauGradClip, firstVisit, runningMaxShift,
                uFloor);
    }

    public GclConfig withTauUpdate(double newRho, double newEta, double newBeta, double clip) {
        return new GclConfig(mode, tau, tauMin, tauMax, newRho, newEta, newBeta, gamma, clip, firstVisit,
                runningMaxShift, uFloor);
    }

    public GclConfig withFirstVisit(FirstVisitRule rule) {
        return new GclConfig(mode, tau, tauMin, tauMax, rho, eta, beta, gamma, tauGradClip, rule, runningMaxShift,
                uFloor);
    }

    public GclConfig withRunningMaxShift(boolean on) {
        return new GclConfig(mode, tau, tauMin, tauMax, rho, eta, beta, gamma, tauGradClip, firstVisit, on, uFloor);
    }
}

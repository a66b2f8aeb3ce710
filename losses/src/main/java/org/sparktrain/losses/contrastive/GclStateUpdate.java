package org.sparktrain.losses.contrastive;

/**
 * The per-sample state updates of SogCLR/iSogCLR as pure functions of numbers (no arrays, no side effects), so they
 * can be tested against the spec's formulas one by one. All inputs are detached quantities.
 */
public final class GclStateUpdate {
    private GclStateUpdate() {
    }

    /** b_new = max(b_old, max_j sg[h_ij/τ_i]) when the shift is on; 0 when it is off. */
    public static double shift(double bOld, double rowMaxLogit, boolean enabled) {
        return enabled ? Math.max(bOld, rowMaxLogit) : 0;
    }

    /** γ actually used for a sample: 1 on a first visit, else γ. */
    public static double effectiveGamma(boolean firstVisit, double gamma) {
        return firstVisit ? 1 : gamma;
    }

    /**
     * u_new = max((1−γ)·u_old·e^{b_old − b_new} + γ·g, uFloor), with g the batch estimate in the b_new-shifted
     * domain (g = (1/|B_i|) Σ_z exp(h_iz/τ_i − b_new)).
     */
    public static double movingAverage(double uOld, double bOld, double bNew, double g, double gamma, double uFloor) {
        double carried = gamma == 1 ? 0 : (1 - gamma) * uOld * Math.exp(bOld - bNew);
        return Math.max(carried + gamma * g, uFloor);
    }

    /**
     * G_i = log u_i + b_i + ρ − (1/|B_i|) Σ_z p_iz·h_iz/τ_i, given the weighted mean term
     * {@code meanWeightedLogit} = (1/|B_i|) Σ_z p_iz·h_iz/τ_i.
     */
    public static double tauGradient(double u, double b, double rho, double meanWeightedLogit) {
        return Math.log(u) + b + rho - meanWeightedLogit;
    }
}

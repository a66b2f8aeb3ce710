package org.sparktrain.losses.contrastive;

/**
 * The moving-average weight γ per epoch (LibAUC {@code adjust_gamma}), a pure function of the epoch.
 *
 * <ul>
 *   <li>constant: γ_e = γ_min (the first visit of a sample uses γ = 1 anyway, see {@link FirstVisitRule});</li>
 *   <li>cosine: γ_e = γ_min + (1 − γ_min)·½(1 + cos(π e / E_d)) for e &lt; E_d, then γ_min (E_d ≈ epochs/2).</li>
 * </ul>
 *
 * @param gammaMin    γ_min in (0, 1]
 * @param decayEpochs E_d; 0 means constant
 */
public record GammaSchedule(double gammaMin, int decayEpochs) {
    public GammaSchedule {
        if (!(gammaMin > 0 && gammaMin <= 1)) {
            throw new IllegalArgumentException("gammaMin must be in (0, 1], got " + gammaMin);
        }
        if (decayEpochs < 0) {
            throw new IllegalArgumentException("decayEpochs must be >= 0, got " + decayEpochs);
        }
    }

    public static GammaSchedule constant(double gamma) {
        return new GammaSchedule(gamma, 0);
    }

    public static GammaSchedule cosine(double gammaMin, int decayEpochs) {
        return new GammaSchedule(gammaMin, decayEpochs);
    }

    /** γ for epoch {@code epoch} (0-based). */
    public double at(int epoch) {
        if (decayEpochs == 0 || epoch >= decayEpochs) {
            return gammaMin;
        }
        return gammaMin + (1 - gammaMin) * 0.5 * (1 + Math.cos(Math.PI * epoch / decayEpochs));
    }
}

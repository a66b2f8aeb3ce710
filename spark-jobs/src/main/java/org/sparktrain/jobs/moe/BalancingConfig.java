package org.sparktrain.jobs.moe;

import org.sparktrain.config.Check;
import org.sparktrain.zoo.moe.AuxBalanceLoss;
import org.sparktrain.zoo.moe.BiasUpdateRule;

import java.util.List;

/**
 * How expert load is balanced (config section {@code balancing} of {@code train-moe}).
 *
 * @param strategy           {@code loss-free} (routing bias nudged after every step from the global loads; Wang et
 *                           al. 2024), {@code aux} (auxiliary loss α Σ f_i P_i per micro-batch), or {@code none};
 *                           default {@code loss-free}
 * @param rule               loss-free update rule: {@code sign} (b += u·sign(c̄ − c), default) or {@code magnitude}
 *                           (b += u·(c̄ − c), loads in tokens)
 * @param rate               u, the bias update rate; default 1e-3 (the paper's)
 * @param auxAlpha           α of the aux loss; default 1e-3 (the paper's sigmoid baseline)
 * @param auxNormalizeScores aux loss on s / Σ_j s (DeepSeek-V3's sequence-wise form) instead of s; default false
 * @param freezeAfterStep    stop updating the bias from this global step on (DeepSeek-V3 sets γ = 0 for the last
 *                           tokens); default 0 = never freeze
 */
public record BalancingConfig(String strategy, String rule, Double rate, Double auxAlpha, Boolean auxNormalizeScores,
                              Long freezeAfterStep) implements java.io.Serializable {
    public static final String LOSS_FREE = "loss-free";
    public static final String AUX = "aux";
    public static final String NONE = "none";

    public BalancingConfig {
        strategy = Check.oneOf("strategy", strategy, LOSS_FREE, List.of(LOSS_FREE, AUX, NONE));
        rule = BiasUpdateRule.parse("rule", rule).toString();
        rate = rate == null ? 1e-3 : rate;
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate: must be a finite number >= 0, got " + rate);
        }
        auxAlpha = auxAlpha == null ? 1e-3 : auxAlpha;
        if (!(auxAlpha >= 0) || Double.isInfinite(auxAlpha)) {
            throw new IllegalArgumentException("auxAlpha: must be a finite number >= 0, got " + auxAlpha);
        }
        auxNormalizeScores = auxNormalizeScores != null && auxNormalizeScores;
        freezeAfterStep = freezeAfterStep == null ? 0L : freezeAfterStep;
        if (freezeAfterStep < 0) {
            throw new IllegalArgumentException("freezeAfterStep: must be >= 0 (0 = never), got " + freezeAfterStep);
        }
    }

    public static BalancingConfig defaults() {
        return new BalancingConfig(null, null, null, null, null, null);
    }

    public static BalancingConfig of(String strategy, double rate, double auxAlpha) {
        return new BalancingConfig(strategy, null, rate, auxAlpha, null, null);
    }

    public boolean lossFree() {
        return LOSS_FREE.equals(strategy);
    }

    /** The aux loss of strategy {@code aux}, null otherwise. */
    public AuxBalanceLoss auxLoss() {
        return AUX.equals(strategy) ? new AuxBalanceLoss(auxAlpha, auxNormalizeScores) : null;
    }

    public BiasUpdateRule updateRule() {
        return BiasUpdateRule.parse("rule", rule);
    }
}

package org.sparktrain.zoo.moe;

import java.util.Locale;

/**
 * The loss-free balancing update of one layer's routing bias from the expert loads of the last training step
 * (Wang et al. 2024, Algorithm 1 and Table 3; plain Java).
 *
 * <p>With c_i the tokens routed to expert i over the whole global step (all workers, all micro-batches) and
 * c̄ = Σ_i c_i / N, the load error is e_i = c̄ − c_i (positive = under-loaded). Then
 * <ul>
 *   <li>{@link #SIGN}: b_i ← b_i + u·sign(e_i) (the paper's default, u = 1e-3);</li>
 *   <li>{@link #MAGNITUDE}: b_i ← b_i + u·e_i (e_i in tokens, so u must shrink as the batch grows; the paper
 *       recommends it for softmax scores).</li>
 * </ul>
 * Sign convention: an over-loaded expert (c_i &gt; c̄) gets a <em>lower</em> bias, so fewer tokens pick it next
 * step. A reversed sign is positive feedback and kills experts.
 */
public enum BiasUpdateRule {
    SIGN, MAGNITUDE;

    public static BiasUpdateRule parse(String field, String value) {
        if (value == null) {
            return SIGN;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "sign" -> SIGN;
            case "magnitude" -> MAGNITUDE;
            default -> throw new IllegalArgumentException(field + ": bias update rule must be 'sign' or 'magnitude', got '"
                    + value + "'");
        };
    }

    /**
     * Updates {@code bias[from .. from+n)} in place from {@code counts[countsFrom .. countsFrom+n)} with rate u.
     * Arithmetic in double, stored as float (the engine's replicated state; DeepSeek-V3 also keeps b in fp32).
     */
    public void apply(float[] bias, int from, double[] counts, int countsFrom, int n, double rate) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += counts[countsFrom + i];
        }
        double mean = total / n;
        for (int i = 0; i < n; i++) {
            double error = mean - counts[countsFrom + i];
            double step = this == SIGN ? Math.signum(error) : error;
            bias[from + i] = (float) (bias[from + i] + rate * step);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package org.sparktrain.zoo.moe;

/**
 * Maximal violation of balance (Wang et al. 2024, eq. 6): MaxVio = (max_i Load_i − L̄) / L̄ with
 * L̄ = Σ_i Load_i / N, the load under perfect balance; 0 = perfectly balanced, N − 1 = every token on one expert
 * (K = 1). MaxVio_batch counts Load on one training batch, MaxVio_global on the whole validation set; reported
 * values are the average over MoE layers ({@link #meanOverLayers}).
 */
public final class MaxVio {
    private MaxVio() {
    }

    /** MaxVio of the n loads {@code loads[from .. from+n)}; 0 if there is no load at all. */
    public static double of(double[] loads, int from, int n) {
        double total = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            total += loads[from + i];
            max = Math.max(max, loads[from + i]);
        }
        if (total <= 0) {
            return 0;
        }
        double mean = total / n;
        return (max - mean) / mean;
    }

    /** Average over {@code layers} consecutive blocks of {@code n} loads. */
    public static double meanOverLayers(double[] loads, int layers, int n) {
        double sum = 0;
        for (int l = 0; l < layers; l++) {
            sum += of(loads, l * n, n);
        }
        return layers == 0 ? 0 : sum / layers;
    }

    /** Experts of one layer that received no token. */
    public static int deadExperts(double[] loads, int from, int n) {
        int dead = 0;
        for (int i = 0; i < n; i++) {
            if (loads[from + i] == 0) {
                dead++;
            }
        }
        return dead;
    }
}

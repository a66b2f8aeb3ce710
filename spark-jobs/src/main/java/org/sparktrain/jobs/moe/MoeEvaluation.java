package org.sparktrain.jobs.moe;

import org.sparktrain.zoo.moe.MaxVio;

/**
 * Validation of an MoE classifier: accuracy, mean cross-entropy and the expert loads of the whole split.
 *
 * @param loads   tokens per expert per layer (L·N, layer-major) over the split: MaxVio_global's Load_i
 * @param ceSum   Σ cross-entropy
 * @param correct correct predictions
 * @param count   examples
 */
public record MoeEvaluation(double[] loads, double ceSum, double correct, double count, int layers, int experts) {
    public double accuracy() {
        return count > 0 ? correct / count : Double.NaN;
    }

    public double meanLoss() {
        return count > 0 ? ceSum / count : Double.NaN;
    }

    /** MaxVio_global averaged over the layers (Wang et al. 2024, eq. 6). */
    public double maxVioGlobal() {
        return MaxVio.meanOverLayers(loads, layers, experts);
    }

    public double maxVio(int layer) {
        return MaxVio.of(loads, layer * experts, experts);
    }

    public int deadExperts(int layer) {
        return MaxVio.deadExperts(loads, layer * experts, experts);
    }

    public double[] loads(int layer) {
        return java.util.Arrays.copyOfRange(loads, layer * experts, (layer + 1) * experts);
    }
}

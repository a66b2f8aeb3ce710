package org.sparktrain.losses.contrastive;

import org.sparktrain.losses.LossInputs;

/**
 * Per-anchor loss factors c_i of the contrastive losses ({@link NtXentLoss}, {@link GlobalContrastiveLoss}): record
 * i's whole anchor term (both views) is multiplied by c_i, so its gradient to the positive and to every negative is
 * scaled by c_i too; negatives themselves carry no weight. {@code null} means unweighted (c_i = 1; multiplying by
 * 1.0 is exact, so the unweighted result is bit-identical to the loss without this feature). Used for training on
 * a selection written by {@code sparktrain select}, where c_i = (R/n)·w_i (docs/selection.md).
 */
final class AnchorWeights {
    private AnchorWeights() {
    }

    /** Fails unless {@code weights} is null or has {@code n} finite entries &gt;= 0. */
    static void check(double[] weights, int n) {
        if (weights == null) {
            return;
        }
        LossInputs.requireVector("weights", weights, n);
        for (int k = 0; k < n; k++) {
            if (weights[k] < 0) {
                throw new IllegalArgumentException("weights[" + k + "] is " + weights[k] + ": must be >= 0");
            }
        }
    }

    /** c_i: 1 when unweighted. */
    static double at(double[] weights, int i) {
        return weights == null ? 1.0 : weights[i];
    }
}

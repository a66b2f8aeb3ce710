package org.sparktrain.losses.contrastive;

/**
 * The scale and normalizer conventions in which the two reference implementations of the bimodal loss differ
 * (spec §b and pitfalls 5–6).
 *
 * @param positiveInNormalizer the positive pair enters g_i with h = 0 (original repo) instead of being masked (LibAUC)
 * @param divideByNegatives    divide Σ_j p_ij h_ij by (G−1) (original repo) or not (LibAUC: a (G−1)× larger gradient)
 * @param sumDirections        loss = loss_img + loss_txt (original repo) instead of their mean (LibAUC)
 */
public record BimodalConvention(boolean positiveInNormalizer, boolean divideByNegatives, boolean sumDirections) {
    /** LibAUC {@code GCLoss_v2}: positive masked, no division by (G−1), mean of the two directions. Default. */
    public static BimodalConvention libauc() {
        return new BimodalConvention(false, false, false);
    }

    /** zhqiu/contrastive-learning-iSogCLR {@code bimodal_exps/models/losses.py}: positive kept, divided, summed. */
    public static BimodalConvention originalRepo() {
        return new BimodalConvention(true, true, true);
    }
}

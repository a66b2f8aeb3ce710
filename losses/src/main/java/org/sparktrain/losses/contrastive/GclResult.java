package org.sparktrain.losses.contrastive;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Output of {@link GlobalContrastiveLoss}: the block's share of the surrogate loss (whose gradient is the
 * SogCLR/iSogCLR estimator), its share of the estimated objective (for logging), the gradients of the share w.r.t.
 * the two global views (G×dim each), the new state of the block's samples and their τ gradients G_i (0 for SogCLR).
 */
public record GclResult(double value, double objective, INDArray view1, INDArray view2, SampleState state,
                        double[] tauGradient) {
}

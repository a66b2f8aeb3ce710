package org.sparktrain.losses.contrastive;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Output of {@link BimodalGlobalContrastiveLoss}: the block's share of the surrogate loss and of the estimated
 * objective, the gradients of the share w.r.t. the gathered image and text features (G×dim each), and the new state
 * and τ gradients of the block's image-anchored and text-anchored terms.
 */
public record BimodalGclResult(double value, double objective, INDArray image, INDArray text, SampleState imageState,
                               SampleState textState, double[] imageTauGradient, double[] textTauGradient) {
}

package org.sparktrain.losses.contrastive;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A loss value on two views (or two modalities) of a batch and its gradient w.r.t. each (same shapes, double). */
public record TwoViewGradients(double value, INDArray view1, INDArray view2) {
}

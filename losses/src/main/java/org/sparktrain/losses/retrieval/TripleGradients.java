package org.sparktrain.losses.retrieval;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A loss value on a batch of triples and its gradient w.r.t. each input matrix (same shapes, double). */
public record TripleGradients(double value, INDArray queries, INDArray positives, INDArray negatives) {
}

package org.sparktrain.losses.retrieval;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Embeddings of one batch of B triples (q_k, d_k+, d_k−): three B×dim matrices, row k of each belonging to triple k.
 * {@code negatives} may be null for losses that take pairs only (InfoNCE without hard negatives).
 */
public record TripleEmbeddings(INDArray queries, INDArray positives, INDArray negatives) {
}

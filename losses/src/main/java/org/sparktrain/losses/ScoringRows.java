package org.sparktrain.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The rows a similarity is computed on (unit rows for cosine, the raw rows for a dot product), with the backward
 * pass from a gradient w.r.t. those rows to a gradient w.r.t. the raw embeddings.
 */
public interface ScoringRows {
    /** The vectors entering the inner products (n×d, double). */
    INDArray vectors();

    /** Rows [from, from+count) of {@link #vectors()}, as a copy. */
    INDArray vectorRows(long from, long count);

    /** ∂L/∂(raw rows) from ∂L/∂{@link #vectors()} (n×d). */
    INDArray backward(INDArray gradVectors);
}

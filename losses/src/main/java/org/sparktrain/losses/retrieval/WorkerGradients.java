package org.sparktrain.losses.retrieval;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One worker's share of a loss over a global batch and the gradient of that share w.r.t. every input of its
 * {@link WorkerTriples}, each input treated as an independent variable.
 *
 * <p>Contract: the worker's shares sum to the loss of the global batch. To get the global gradient, sum
 * {@code globalQueries}, {@code globalPositives} and {@code globalNegatives} over all workers (an all-reduce, the
 * backward of an all-gather), then each worker takes rows {@code [offset, offset+b)} of those sums and, for the
 * queries, adds {@code localQueries}. {@code globalQueries} is null when the loss did not use it.
 */
public record WorkerGradients(double value, INDArray localQueries, INDArray globalQueries, INDArray globalPositives,
                              INDArray globalNegatives) {
}

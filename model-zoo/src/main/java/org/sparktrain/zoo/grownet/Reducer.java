package org.sparktrain.zoo.grownet;

/**
 * Sums a vector of doubles over every data-parallel worker of a training step, the same result on every worker
 * (used for synchronised BatchNorm statistics, see {@link BatchNorm}). {@link #LOCAL} is the single-machine case.
 * The Spark side implements it on the engine's collective ({@code org.sparktrain.jobs.grownet.CollectiveReducer}).
 */
@FunctionalInterface
public interface Reducer {
    /** One worker: the sum over workers is the worker's own vector. */
    Reducer LOCAL = local -> local.clone();

    /** Element-wise sum of {@code local} over all workers, accumulated in double precision in worker order. */
    double[] sum(double[] local);
}

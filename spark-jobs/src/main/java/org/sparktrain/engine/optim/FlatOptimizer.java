package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * An update rule on the engine's flat parameter vector: the one abstraction the training engine uses for every
 * optimizer, from ND4J's element-wise updaters (Adam, SGD, Nesterov, RMSProp through the engine's
 * {@code FlatUpdater}) to the learning-rate-free rules of this package (D-Adaptation, Prodigy, Schedule-Free, DoG),
 * whose global scalars (d, N, ‖s‖₁, r̄, G, ...) need a pass over the whole vector before any entry is updated.
 *
 * <p><b>Contract.</b>
 * <ul>
 *   <li>{@link #step} applies one update in place to {@code params} (a contiguous float vector of
 *       {@code numParams} entries) from the <em>mean</em> gradient evaluated at {@code params}. The gradient array
 *       may be overwritten (coupled weight decay, ND4J's in-place updaters). Under data parallelism the engine
 *       passes the all-reduced mean gradient, identical on every replica; implementations compute every global
 *       scalar from it alone, in double precision, with reductions in a fixed order
 *       ({@link DoubleReductions}), so all replicas make bit-identical updates.</li>
 *   <li>{@link #state()} / {@link #setState} hold <em>all</em> optimizer state (vectors and scalars) as one float
 *       array, which the engine ships between rounds and checkpoints; restoring it continues the trajectory
 *       exactly. Doubles are stored exactly ({@link ExactDoubles}).</li>
 *   <li>{@link #evalParams} gives the point to evaluate, checkpoint as the model and export: the parameters
 *       themselves, or an averaged iterate held in the state (Schedule-Free's x, DoG's x̄).</li>
 *   <li>{@link #syncContribution} / {@link #applySyncSums} define how {@code local-sgd} combines the state of W
 *       replicas with one sum over workers: each state slot is either averaged or taken from worker 0
 *       ({@link FlatState.Sync}).</li>
 * </ul>
 */
public interface FlatOptimizer {
    /**
     * Applies one update in place: {@code params <- rule(params, gradient)}.
     *
     * @param params    the live parameters (the training point; for Schedule-Free the y sequence)
     * @param gradient  mean gradient of the loss at {@code params}, same shape; may be overwritten
     * @param iteration the engine's global step (0-based), which drives learning-rate schedules
     * @param epoch     the current epoch (0-based)
     */
    void step(INDArray params, INDArray gradient, long iteration, int epoch);

    /** Number of floats in {@link #state()}. */
    int stateSize();

    /** A copy of the whole optimizer state (layout: {@link #stateLayout()}). */
    float[] state();

    /** Replaces the whole optimizer state with a copy of {@code state} (as returned by {@link #state()}). */
    void setState(float[] state);

    /**
     * The point to evaluate and export given the live parameters: {@code params} itself (same instance) when the
     * training and evaluation points coincide, else an averaged iterate from the state.
     */
    INDArray evalParams(INDArray params);

    /** Whether {@link #evalParams} can differ from the live parameters (Schedule-Free, DoG). */
    default boolean separateEvalPoint() {
        return false;
    }

    /** The current global scalars by name (d, N, k, ...), for logs, reports and tests; empty if there are none. */
    default Map<String, Double> scalars() {
        return Map.of();
    }

    /** Human-readable description of {@link #state()}'s layout, e.g. {@code "vectors [s, m, v] x 259; scalars [d, N, k]"}. */
    String stateLayout();

    /**
     * This replica's contribution to the {@code local-sgd} synchronisation: summed over all workers element-wise,
     * then given to {@link #applySyncSums} on every replica.
     *
     * @param leader whether this replica is worker 0 (slots taken from worker 0 contribute zeros elsewhere)
     */
    SyncPart syncContribution(boolean leader);

    /** Applies the element-wise sums over all {@code workers} of {@link #syncContribution}. */
    void applySyncSums(SyncPart sums, int workers);

    /** Floats and doubles exchanged in one local-sgd synchronisation. */
    record SyncPart(float[] floats, double[] doubles) {
    }
}

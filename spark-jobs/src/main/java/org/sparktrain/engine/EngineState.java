package org.sparktrain.engine;

import java.io.Serializable;

/**
 * Everything the driver needs to continue training exactly where it stopped (except per-record state, which lives
 * beside the shards): position in the data, parameters, updater state and replicated algorithm state.
 *
 * @param globalStep   updates applied so far
 * @param epoch        current epoch (0-based)
 * @param stepInEpoch  next step within the epoch
 * @param params       the live (training) parameters the next step starts from
 * @param updaterState the whole optimizer state ({@link org.sparktrain.engine.optim.FlatOptimizer#state()})
 * @param globalState  replicated algorithm state ({@link AlgorithmState})
 * @param evalParams   the point to evaluate, checkpoint as the model and export: Schedule-Free's averaged x, DoG's
 *                     averaged x̄, else the same array as {@code params} (null = {@code params}). Derived from
 *                     {@code params} and {@code updaterState} by the engine; a model should never be built from
 *                     {@code params} directly.
 */
public record EngineState(long globalStep, int epoch, int stepInEpoch, float[] params, float[] updaterState,
                          float[] globalState, float[] evalParams) implements Serializable {
    public EngineState {
        evalParams = evalParams == null ? params : evalParams;
    }

    /** A state whose evaluation point is its parameters (until the engine derives it from the optimizer state). */
    public EngineState(long globalStep, int epoch, int stepInEpoch, float[] params, float[] updaterState,
                       float[] globalState) {
        this(globalStep, epoch, stepInEpoch, params, updaterState, globalState, null);
    }

    public EngineState withEvalParams(float[] eval) {
        return new EngineState(globalStep, epoch, stepInEpoch, params, updaterState, globalState, eval);
    }
}

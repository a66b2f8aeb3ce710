package org.sparktrain.engine;

import java.io.Serializable;

/**
 * Everything the driver needs to continue training exactly where it stopped (except per-record state, which lives
 * beside the shards): position in the data, parameters, updater state and replicated algorithm state.
 *
 * @param globalStep  updates applied so far
 * @param epoch       current epoch (0-based)
 * @param stepInEpoch next step within the epoch
 */
public record EngineState(long globalStep, int epoch, int stepInEpoch, float[] params, float[] updaterState,
                          float[] globalState) implements Serializable {
}

package org.sparktrain.jobs.contrastive;

import org.sparktrain.engine.AlgorithmState;
import org.sparktrain.losses.contrastive.SampleState;

/**
 * The per-record state of SogCLR / iSogCLR on the engine's per-record hook: four floats per record, keyed by record
 * id beside its shard, in {@link SampleState}'s record layout [u_i, b_i, τ_i, m_i] (moving average in the domain
 * shifted by the running max b_i, temperature, its momentum). A fresh record is unvisited: [0, 0, τ₀, 0].
 * SimCLR keeps no state. The engine commits it with each round, saves it in checkpoints and restores it on
 * {@code --resume}, so a retried task never applies an update twice.
 *
 * @param global whether records carry state (sogclr, isogclr)
 * @param tau0   the initial τ_i (for sogclr the fixed τ; the stored value is then unused)
 */
public record ContrastiveState(boolean global, double tau0) implements AlgorithmState {
    public static final int U = 0;
    public static final int SHIFT = 1;
    public static final int TAU = 2;
    public static final int MOMENTUM = 3;

    @Override
    public int recordStateWidth() {
        return global ? SampleState.RECORD_WIDTH : 0;
    }

    @Override
    public float[] initialRecordState() {
        return global ? new float[]{0, 0, (float) tau0, 0} : new float[0];
    }
}

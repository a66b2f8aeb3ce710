package org.sparktrain.engine;

import java.io.Serializable;

/**
 * The hook for algorithm state that is not a parameter: it gets no gradient and no optimizer update, yet it is
 * checkpointed, restored on {@code --resume} and never updated twice by a task retry.
 *
 * <ul>
 *   <li><b>Global state</b> ({@link #globalStateSize()} floats, e.g. MoE routing biases): replicated on every
 *       worker. Each step a worker adds its statistics ({@link #statsSize()} doubles, e.g. tokens per expert) to
 *       {@link StepContext#stats()}; the engine sums them over all workers together with the gradient and every
 *       replica then applies the same deterministic {@link #onSync} update, so replicas stay identical.</li>
 *   <li><b>Per-record state</b> ({@link #recordStateWidth()} floats per record, e.g. iSogCLR's u_i, tau_i, m_i):
 *       lives beside the record's shard on its worker, keyed by the record's stable id; the trainable reads and
 *       writes the rows of its batch through {@link StepContext#recordState(int)}. At the end of each round it is
 *       committed as the round's output (so a retried round starts again from the previous committed state) and
 *       saved in checkpoints as Parquet (id, state).</li>
 * </ul>
 */
public interface AlgorithmState extends Serializable {
    /** No extra state: plain supervised training. */
    AlgorithmState NONE = new AlgorithmState() {
    };

    default int globalStateSize() {
        return 0;
    }

    default float[] initialGlobalState() {
        return new float[globalStateSize()];
    }

    default int statsSize() {
        return 0;
    }

    default int recordStateWidth() {
        return 0;
    }

    /** Initial per-record state of one record (length {@link #recordStateWidth()}). */
    default float[] initialRecordState() {
        return new float[recordStateWidth()];
    }

    /**
     * Updates the replicated global state in place from the statistics summed over all workers for this step.
     * Called on every replica after every synchronised step; must be deterministic.
     */
    default void onSync(float[] globalState, double[] summedStats, long step) {
    }
}

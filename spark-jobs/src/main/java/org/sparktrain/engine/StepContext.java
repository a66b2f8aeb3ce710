package org.sparktrain.engine;

/**
 * What a {@link Trainable} may see and touch besides its parameters during one step: the step position, the
 * replicated global algorithm state (read-only by convention), the rows of per-record state of the batch, a
 * statistics vector that the engine sums over workers, and the collective for in-step exchanges (e.g. gathering
 * embeddings from every worker for cross-worker negatives).
 */
public final class StepContext {
    private final long step;
    private final int epoch;
    private final int worker;
    private final int workers;
    private final float[] globalState;
    private final double[] stats;
    private final float[] recordState;
    private final int recordWidth;
    private final Collective collective;
    private final int[] positions;

    StepContext(long step, int epoch, int worker, int workers, float[] globalState, double[] stats,
                float[] recordState, int recordWidth, Collective collective, int[] positions) {
        this.step = step;
        this.epoch = epoch;
        this.worker = worker;
        this.workers = workers;
        this.globalState = globalState;
        this.stats = stats;
        this.recordState = recordState;
        this.recordWidth = recordWidth;
        this.collective = collective;
        this.positions = positions;
    }

    /**
     * A context for using a trainable outside the engine (tests, single-machine reference runs): one worker, the
     * algorithm's initial global state, and per-record state for {@code shardSize} records.
     */
    public static StepContext standalone(long step, int epoch, AlgorithmState state, Batch batch, int shardSize) {
        int width = state.recordStateWidth();
        float[] records = width == 0 ? null : new float[shardSize * width];
        return new StepContext(step, epoch, 0, 1, state.initialGlobalState(), new double[state.statsSize()],
                records, width, Collective.single(), batch.positions());
    }

    public long step() {
        return step;
    }

    public int epoch() {
        return epoch;
    }

    public int worker() {
        return worker;
    }

    public int workers() {
        return workers;
    }

    public float[] globalState() {
        return globalState;
    }

    /** Statistics of this step to be summed over all workers (length {@link AlgorithmState#statsSize()}). */
    public double[] stats() {
        return stats;
    }

    public int recordStateWidth() {
        return recordWidth;
    }

    /** Offset of batch row {@code row}'s state in {@link #recordStateArray()}. */
    public int recordState(int row) {
        if (recordState == null) {
            throw new IllegalStateException("this algorithm declared no per-record state");
        }
        return positions[row] * recordWidth;
    }

    /** The worker's whole per-record state block (shard size x width), indexed via {@link #recordState(int)}. */
    public float[] recordStateArray() {
        return recordState;
    }

    public Collective collective() {
        return collective;
    }
}

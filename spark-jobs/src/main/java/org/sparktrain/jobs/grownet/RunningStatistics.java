package org.sparktrain.jobs.grownet;

import org.sparktrain.engine.AlgorithmState;
import org.sparktrain.zoo.grownet.WeakLearner;

/**
 * BatchNorm running statistics of the learners a GrowNet training phase runs in train mode, kept as the engine's
 * replicated global state (they are not parameters: no gradient, no optimizer). Each step every worker reports
 * its Σx, Σx² of every BatchNorm layer and its row count as statistics; the engine sums them over workers and
 * every replica applies the same PyTorch-style momentum update ({@link WeakLearner#updateRunning}).
 *
 * <p>Global state: the learners' running statistics concatenated ({@code GrowNetModel.flatRunning()} layout).
 * Statistics: the learners' BatchNorm sums concatenated, then the row count (with record weights: the weighted sums
 * Σc·x, Σc·x² and the weight sum Σc, so N = Σc in the update).
 */
final class RunningStatistics implements AlgorithmState {
    private final int inputs;
    private final int hidden;
    private final boolean[] stacked;
    private final float[] initial;
    private final int sumsSize;

    /** @param initial the learners' current running statistics (flat) */
    RunningStatistics(int inputs, int hidden, boolean[] stacked, double[] initial) {
        this.inputs = inputs;
        this.hidden = hidden;
        this.stacked = stacked.clone();
        this.initial = toFloats(initial);
        int s = 0;
        int r = 0;
        for (boolean st : stacked) {
            s += 2 * hidden + (st ? 2 * (inputs + hidden) : 0);
            r += WeakLearner.runningSize(inputs, hidden, st);
        }
        if (r != initial.length) {
            throw new IllegalArgumentException("expected " + r + " running statistics, got " + initial.length);
        }
        this.sumsSize = s;
    }

    @Override
    public int globalStateSize() {
        return initial.length;
    }

    @Override
    public float[] initialGlobalState() {
        return initial.clone();
    }

    @Override
    public int statsSize() {
        return sumsSize + 1;
    }

    /** Writes a step's statistics: BatchNorm sums, then the worker's row count (weighted: its weight sum). */
    void report(double[] stats, double[] batchNormSums, double rows) {
        System.arraycopy(batchNormSums, 0, stats, 0, sumsSize);
        stats[sumsSize] = rows;
    }

    @Override
    public void onSync(float[] globalState, double[] summedStats, long step) {
        double count = summedStats[sumsSize];
        if (count <= 0) {
            return;
        }
        double[] running = new double[globalState.length];
        for (int i = 0; i < running.length; i++) {
            running[i] = globalState[i];
        }
        int r = 0;
        int s = 0;
        for (boolean st : stacked) {
            WeakLearner.updateRunning(running, r, inputs, hidden, st, summedStats, s, count);
            r += WeakLearner.runningSize(inputs, hidden, st);
            s += 2 * hidden + (st ? 2 * (inputs + hidden) : 0);
        }
        for (int i = 0; i < running.length; i++) {
            globalState[i] = (float) running[i];
        }
    }

    static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}

package org.sparktrain.losses.contrastive;

import java.util.Arrays;

/**
 * Per-sample state of one loss direction for a whole dataset (or one shard), as four arrays indexed by the stable
 * sample index 0..N−1: gather the rows of a batch, run the loss, scatter the returned state back. The training engine
 * keeps the same four numbers per record beside its shard; this class is the in-memory form for single-process use
 * and tests. Not thread-safe.
 */
public final class SampleStateStore {
    private final double[] u;
    private final double[] shift;
    private final double[] tau;
    private final double[] momentum;

    /** {@code n} unvisited samples with τ = τ₀. */
    public SampleStateStore(int n, double tau0) {
        SampleState s = SampleState.initial(n, tau0);
        this.u = s.u();
        this.shift = s.shift();
        this.tau = s.tau();
        this.momentum = s.momentum();
    }

    public int size() {
        return u.length;
    }

    /** The state of the samples {@code indices}, in that order. Rejects out-of-range and repeated indices. */
    public SampleState gather(int[] indices) {
        check(indices);
        int b = indices.length;
        double[][] rows = new double[b][];
        for (int k = 0; k < b; k++) {
            int i = indices[k];
            rows[k] = new double[]{u[i], shift[i], tau[i], momentum[i]};
        }
        return SampleState.ofRecords(rows);
    }

    /** Stores {@code state} row k as the state of sample {@code indices[k]}. */
    public void scatter(int[] indices, SampleState state) {
        check(indices);
        if (state.size() != indices.length) {
            throw new IllegalArgumentException(indices.length + " indices but " + state.size() + " state rows");
        }
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            u[i] = state.u()[k];
            shift[i] = state.shift()[k];
            tau[i] = state.tau()[k];
            momentum[i] = state.momentum()[k];
        }
    }

    /** A copy of all τ_i (e.g. for the temperature histogram). */
    public double[] temperatures() {
        return tau.clone();
    }

    private void check(int[] indices) {
        int[] sorted = indices.clone();
        Arrays.sort(sorted);
        for (int k = 0; k < sorted.length; k++) {
            if (sorted[k] < 0 || sorted[k] >= u.length) {
                throw new IllegalArgumentException("sample index " + sorted[k] + " outside [0, " + u.length + ")");
            }
            if (k > 0 && sorted[k] == sorted[k - 1]) {
                throw new IllegalArgumentException("sample index " + sorted[k] + " appears twice in one batch: its "
                        + "state update would be ambiguous");
            }
        }
    }
}

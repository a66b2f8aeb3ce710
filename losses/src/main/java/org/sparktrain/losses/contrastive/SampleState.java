package org.sparktrain.losses.contrastive;

import java.util.Arrays;

/**
 * The per-sample state of one direction of a global contrastive loss for the rows of a batch (block), in row order:
 * the moving average u_i (kept in the domain shifted by b_i: the estimate of E exp(h/τ) is u_i·e^{b_i}), the running
 * max b_i, the temperature τ_i and its momentum m_i.
 *
 * <p>This is plain data so the training engine can keep it beside its shard keyed by record id (gather the rows of
 * a batch, pass them in, store the returned state). {@link #record(int)} / {@link #ofRecords} give the layout
 * [u, b, τ, m] of one record. An unvisited sample has u = 0.
 */
public record SampleState(double[] u, double[] shift, double[] tau, double[] momentum) {
    /** Values per record in {@link #record(int)}. */
    public static final int RECORD_WIDTH = 4;

    public SampleState {
        int n = u.length;
        if (shift.length != n || tau.length != n || momentum.length != n) {
            throw new IllegalArgumentException("state arrays differ in length: u " + n + ", shift " + shift.length
                    + ", tau " + tau.length + ", momentum " + momentum.length);
        }
        for (int k = 0; k < n; k++) {
            if (!(u[k] >= 0) || !Double.isFinite(u[k]) || !Double.isFinite(shift[k]) || !(tau[k] > 0)
                    || !Double.isFinite(tau[k]) || !Double.isFinite(momentum[k])) {
                throw new IllegalArgumentException("bad state of row " + k + ": " + Arrays.toString(record(k, u, shift,
                        tau, momentum)) + " (need u >= 0, tau > 0, all finite)");
            }
        }
    }

    /** {@code n} unvisited samples: u = 0, b = 0, τ = τ₀, m = 0. */
    public static SampleState initial(int n, double tau0) {
        double[] tau = new double[n];
        Arrays.fill(tau, tau0);
        return new SampleState(new double[n], new double[n], tau, new double[n]);
    }

    /** State rows from records [u, b, τ, m]. */
    public static SampleState ofRecords(double[][] records) {
        int n = records.length;
        double[] u = new double[n];
        double[] b = new double[n];
        double[] tau = new double[n];
        double[] m = new double[n];
        for (int k = 0; k < n; k++) {
            if (records[k].length != RECORD_WIDTH) {
                throw new IllegalArgumentException("state record " + k + " has " + records[k].length
                        + " values, expected " + RECORD_WIDTH + " [u, b, tau, m]");
            }
            u[k] = records[k][0];
            b[k] = records[k][1];
            tau[k] = records[k][2];
            m[k] = records[k][3];
        }
        return new SampleState(u, b, tau, m);
    }

    public int size() {
        return u.length;
    }

    /** Record k as [u, b, τ, m]. */
    public double[] record(int k) {
        return record(k, u, shift, tau, momentum);
    }

    /** Rows [from, from+count) as a new state. */
    public SampleState slice(int from, int count) {
        return new SampleState(Arrays.copyOfRange(u, from, from + count), Arrays.copyOfRange(shift, from, from + count),
                Arrays.copyOfRange(tau, from, from + count), Arrays.copyOfRange(momentum, from, from + count));
    }

    private static double[] record(int k, double[] u, double[] b, double[] tau, double[] m) {
        return new double[]{u[k], b[k], tau[k], m[k]};
    }
}

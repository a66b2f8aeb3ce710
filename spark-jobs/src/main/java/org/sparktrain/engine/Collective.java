package org.sparktrain.engine;

/**
 * Collective operations among the workers of one training round. Results are identical on every worker and are
 * combined in worker order (0, 1, ...), so every replica computes bit-identical updates.
 */
public interface Collective {
    /**
     * Sums {@code floats} and {@code doubles} element-wise over all workers (accumulated in double precision, in
     * worker order) and returns the sums; the arrays of the result have the lengths of the arguments.
     *
     * @param tag the global step the reduction belongs to (reported to the driver's progress listener)
     */
    Reduced allReduceSum(long tag, float[] floats, double[] doubles);

    /** Gathers one byte payload from every worker; element i of the result is worker i's payload. */
    byte[][] allGather(long tag, byte[] payload);

    int workers();

    /** Sums of one all-reduce. */
    record Reduced(float[] floats, double[] doubles) {
    }

    /** The collective of a single worker: every operation is the identity. */
    static Collective single() {
        return new Collective() {
            @Override
            public Reduced allReduceSum(long tag, float[] floats, double[] doubles) {
                return new Reduced(floats.clone(), doubles.clone());
            }

            @Override
            public byte[][] allGather(long tag, byte[] payload) {
                return new byte[][]{payload.clone()};
            }

            @Override
            public int workers() {
                return 1;
            }
        };
    }
}

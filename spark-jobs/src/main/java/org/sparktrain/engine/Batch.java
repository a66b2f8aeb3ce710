package org.sparktrain.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One worker's mini-batch: positions into its {@link Shard}, in the order the epoch's permutation drew them.
 * Columns are materialised on demand as (size x width) float matrices.
 */
public final class Batch {
    private final Shard shard;
    private final int[] positions;

    public Batch(Shard shard, int[] positions) {
        this.shard = shard;
        this.positions = positions;
    }

    public int size() {
        return positions.length;
    }

    public boolean isEmpty() {
        return positions.length == 0;
    }

    /** Positions of the batch's records in the shard (for per-record state). */
    public int[] positions() {
        return positions;
    }

    public long id(int row) {
        return shard.id(positions[row]);
    }

    public Shard shard() {
        return shard;
    }

    /** Copies the batch rows of a column into a new float array, row-major (size x width). */
    public float[] rows(String column) {
        int width = shard.width(column);
        float[] src = shard.column(column);
        float[] out = new float[positions.length * width];
        for (int r = 0; r < positions.length; r++) {
            System.arraycopy(src, positions[r] * width, out, r * width, width);
        }
        return out;
    }

    /** The batch rows of a column as a (size x width) float matrix. */
    public INDArray matrix(String column) {
        return Nd4j.create(rows(column), new long[]{positions.length, shard.width(column)}, 'c');
    }

    /** One-hot (size x numClasses) matrix of an integer label column of width 1. */
    public INDArray oneHot(String column, int numClasses) {
        float[] labels = rows(column);
        float[] out = new float[labels.length * numClasses];
        for (int r = 0; r < labels.length; r++) {
            int k = (int) labels[r];
            if (k < 0 || k >= numClasses || k != labels[r]) {
                throw new IllegalArgumentException("record " + id(r) + ": label " + labels[r]
                        + " is not a class index in [0, " + numClasses + ")");
            }
            out[r * numClasses + k] = 1f;
        }
        return Nd4j.create(out, new long[]{labels.length, numClasses}, 'c');
    }
}

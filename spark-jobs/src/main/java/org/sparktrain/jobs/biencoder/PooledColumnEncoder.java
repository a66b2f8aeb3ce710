package org.sparktrain.jobs.biencoder;

import org.sparktrain.engine.Batch;
import org.sparktrain.engine.optim.TensorLayout;
import org.sparktrain.retrieval.encoder.PooledEncoder;

/**
 * The {@code pooled} encoder ({@link PooledEncoder}) on token id columns: WordPiece ids as floats,
 * [CLS] ... [SEP] then padding with {@code padId} (the first pad ends the sequence).
 */
final class PooledColumnEncoder implements ColumnEncoder {
    private final PooledEncoder encoder;
    private final int padId;

    PooledColumnEncoder(PooledEncoder encoder, int padId) {
        this.encoder = encoder;
        this.padId = padId;
    }

    @Override
    public long numParams() {
        return encoder.numParams();
    }

    @Override
    public float[] initialParams() {
        return encoder.initialParams();
    }

    @Override
    public TensorLayout layout() {
        return new TensorLayout(PooledEncoder.tensorNames(), encoder.tensorOffsets(), encoder.tensorLengths());
    }

    @Override
    public Pass encode(double[] theta, Batch batch, String column) {
        PooledEncoder.Forward f = encoder.forward(theta, sequences(batch, column));
        return Pass.of(f.embeddings(), (dE, g) -> encoder.backward(theta, f, dE, g));
    }

    /** The token id sequences of a column: ids up to the first pad. */
    private int[][] sequences(Batch batch, String column) {
        float[] rows = batch.rows(column);
        int width = batch.shard().width(column);
        int[][] out = new int[batch.size()][];
        for (int r = 0; r < out.length; r++) {
            int len = 0;
            while (len < width && rows[r * width + len] != padId) {
                len++;
            }
            if (len == 0) {
                throw new IllegalArgumentException("record " + batch.id(r) + ": column " + column + " has no tokens");
            }
            int[] ids = new int[len];
            for (int k = 0; k < len; k++) {
                ids[k] = (int) rows[r * width + k];
            }
            out[r] = ids;
        }
        return out;
    }
}

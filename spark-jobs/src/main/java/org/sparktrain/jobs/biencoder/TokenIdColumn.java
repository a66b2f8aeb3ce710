package org.sparktrain.jobs.biencoder;

import org.sparktrain.engine.Batch;

/**
 * Reads a token id column of the training frame ({@link BiencoderTraining#frame}): per record, WordPiece ids stored
 * as floats, [CLS] ... [SEP] then padding with the tokenizer's [PAD] id up to the column width; the first pad ends
 * the sequence.
 */
final class TokenIdColumn {
    private TokenIdColumn() {
    }

    /** The token id sequences of {@code column}, one per batch row: the ids before the first {@code padId}. */
    static int[][] sequences(Batch batch, String column, int padId) {
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

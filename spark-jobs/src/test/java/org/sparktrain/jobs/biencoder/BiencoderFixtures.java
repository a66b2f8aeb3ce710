package org.sparktrain.jobs.biencoder;

import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.Shard;
import org.sparktrain.retrieval.encoder.TokenEmbeddingTable;

import java.util.List;
import java.util.Random;

/** Small random bi-encoder data for the tests: a V=30, d=6 table and token-id triples padded with 0. */
final class BiencoderFixtures {
    static final int VOCAB = 30;
    static final int DIM = 6;
    static final int QUERY_WIDTH = 5;
    static final int DOC_WIDTH = 8;
    static final List<ColumnSpec> COLUMNS = List.of(ColumnSpec.of(BiencoderTrainable.QUERY, QUERY_WIDTH),
            ColumnSpec.of(BiencoderTrainable.POSITIVE, DOC_WIDTH), ColumnSpec.of(BiencoderTrainable.NEGATIVE, DOC_WIDTH));

    private BiencoderFixtures() {
    }

    static TokenEmbeddingTable table() {
        Random rng = new Random(5);
        float[] rows = new float[VOCAB * DIM];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) rng.nextGaussian();
        }
        return new TokenEmbeddingTable(VOCAB, DIM, rows);
    }

    /** n triples, row k = {query ids, positive ids, negative ids}, each padded with 0 to its width. */
    static float[][][] triples(int n, long seed) {
        Random rng = new Random(seed);
        float[][][] out = new float[n][][];
        for (int k = 0; k < n; k++) {
            out[k] = new float[][]{sequence(rng, QUERY_WIDTH), sequence(rng, DOC_WIDTH), sequence(rng, DOC_WIDTH)};
        }
        return out;
    }

    private static float[] sequence(Random rng, int width) {
        float[] s = new float[width];
        int len = 1 + rng.nextInt(width);
        for (int i = 0; i < len; i++) {
            s[i] = 1 + rng.nextInt(VOCAB - 1);
        }
        return s;
    }

    /** A shard holding the given triples (ids = their indices into {@code all}) in the given order. */
    static Shard shard(int worker, float[][][] all, int... indices) {
        long[] ids = new long[indices.length];
        float[][] cols = {new float[indices.length * QUERY_WIDTH], new float[indices.length * DOC_WIDTH],
                new float[indices.length * DOC_WIDTH]};
        int[] widths = {QUERY_WIDTH, DOC_WIDTH, DOC_WIDTH};
        for (int r = 0; r < indices.length; r++) {
            ids[r] = indices[r];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(all[indices[r]][c], 0, cols[c], r * widths[c], widths[c]);
            }
        }
        return new Shard(worker, ids, COLUMNS, cols);
    }

    static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    /** Non-trivial parameters: token weights around 1, W and c around 0. */
    static float[] params(long numParams, long seed) {
        Random rng = new Random(seed);
        float[] p = new float[(int) numParams];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) ((i < VOCAB ? 1 : 0) + 0.3 * rng.nextGaussian());
        }
        return p;
    }
}

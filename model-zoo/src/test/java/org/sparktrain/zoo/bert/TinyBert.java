package org.sparktrain.zoo.bert;

import org.nd4j.linalg.api.buffer.DataType;

/** A tiny random BERT and a padded batch for the tests (double precision). */
final class TinyBert {
    /** vocab 50, hidden 8, 2 layers, 2 heads of 4, intermediate 16, 12 positions, 2 token types. */
    static final BertConfig CONFIG = new BertConfig(50, 8, 2, 2, 16, 12, 2, 1e-12);
    static final int PAD = 0;

    private TinyBert() {
    }

    /** {@link RandomBertParameters} of {@link #CONFIG} in double precision. */
    static BertParameters parameters(long seed) {
        return RandomBertParameters.create(CONFIG, DataType.DOUBLE, seed);
    }

    /** Three sequences of 7, 3 and 5 tokens (so two are padded), with token types 0 and 1. */
    static int[][] ids() {
        return new int[][]{{1, 17, 42, 5, 5, 33, 2}, {1, 49, 2}, {1, 8, 26, 11, 2}};
    }

    static int[][] types() {
        return new int[][]{{0, 0, 0, 1, 1, 1, 1}, {0, 1, 1}, {0, 0, 1, 0, 1}};
    }

    static BertTokenBatch batch() {
        return new BertTokenBatch(ids(), types(), PAD);
    }
}

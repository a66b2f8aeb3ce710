package org.sparktrain.zoo.bert;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

/** A tiny random BERT and a padded batch for the tests (double precision). */
final class TinyBert {
    /** vocab 50, hidden 8, 2 layers, 2 heads of 4, intermediate 16, 12 positions, 2 token types. */
    static final BertConfig CONFIG = new BertConfig(50, 8, 2, 2, 16, 12, 2, 1e-12);
    static final int PAD = 0;

    private TinyBert() {
    }

    /**
     * BERT's initialisation plus N(0, 0.5²) on every entry (LayerNorm gains 1 + N(0, 0.3²)), so the attention is
     * far from uniform, GELU works on both sides of 0 and biases are non-zero.
     */
    static BertParameters parameters(long seed) {
        BertParameters p = BertParameters.initialized(CONFIG, DataType.DOUBLE, seed);
        Random rng = new Random(seed + 1);
        for (String name : p.names()) {
            INDArray t = p.tensor(name);
            double std = name.endsWith("LayerNorm.weight") ? 0.3 : 0.5;
            for (long i = 0; i < t.length(); i++) {
                t.putScalar(i, t.getDouble(i) + std * rng.nextGaussian());
            }
        }
        return p;
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

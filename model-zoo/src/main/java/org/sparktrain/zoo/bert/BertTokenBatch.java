package org.sparktrain.zoo.bert;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A batch of B token id sequences of different lengths, padded to the longest one (T tokens), and the input arrays
 * {@link SameDiffBertEncoder} feeds to its graph. Token n = b·T + t of the flattened batch is position t of
 * sequence b; the attention mask m[b,t] is 1 for the sequence's own tokens and 0 for padding.
 *
 * <pre>
 *   input ids, position ids, token type ids   (B·T)        padding positions hold padId, t, 0
 *   attention bias                            (B,1,1,T)    0 where m = 1, {@value #MASKED} where m = 0 (added to
 *                                                          the attention logits, so exp gives exactly 0)
 *   pooling matrix P                          (B, B·T)     P[b, b·T+t] = m[b,t] / Σ_t m[b,t]  (masked mean)
 * </pre>
 */
public final class BertTokenBatch {
    /** Added to the attention logits of padding keys; exp of it is exactly 0 in float and double. */
    public static final double MASKED = -1e9;

    private final int[][] ids;
    private final int[][] typeIds;
    private final int padId;
    private final int length;

    /**
     * @param ids     token ids of each sequence ([CLS] ... [SEP] for BERT), each at least one token
     * @param typeIds token type (segment) ids of the same shape, or null for all 0
     * @param padId   id written into padding positions (they are masked out, so any valid id works)
     */
    public BertTokenBatch(int[][] ids, int[][] typeIds, int padId) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("a token batch needs at least one sequence");
        }
        int t = 0;
        for (int b = 0; b < ids.length; b++) {
            if (ids[b].length == 0) {
                throw new IllegalArgumentException("sequence " + b + " of the batch is empty");
            }
            if (typeIds != null && typeIds[b].length != ids[b].length) {
                throw new IllegalArgumentException("sequence " + b + " has " + ids[b].length + " token ids but "
                        + typeIds[b].length + " token type ids");
            }
            t = Math.max(t, ids[b].length);
        }
        if (typeIds != null && typeIds.length != ids.length) {
            throw new IllegalArgumentException(ids.length + " sequences but " + typeIds.length + " token type rows");
        }
        this.ids = ids;
        this.typeIds = typeIds;
        this.padId = padId;
        this.length = t;
    }

    /** A batch with all token types 0. */
    public static BertTokenBatch of(int[][] ids, int padId) {
        return new BertTokenBatch(ids, null, padId);
    }

    /** B. */
    public int batchSize() {
        return ids.length;
    }

    /** T, the longest sequence. */
    public int length() {
        return length;
    }

    /** Number of real (unpadded) tokens of sequence b. */
    public int length(int b) {
        return ids[b].length;
    }

    /** The id written into padding positions. */
    public int padId() {
        return padId;
    }

    /** Token id of position t of sequence b (t below {@link #length(int)}). */
    public int id(int b, int t) {
        return ids[b][t];
    }

    /** Token type id of position t of sequence b. */
    public int typeId(int b, int t) {
        return typeIds == null ? 0 : typeIds[b][t];
    }

    /** Input ids (B·T), padded with padId. */
    public int[] inputIds() {
        int[] out = new int[ids.length * length];
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < length; t++) {
                out[b * length + t] = t < ids[b].length ? ids[b][t] : padId;
            }
        }
        return out;
    }

    /** Position ids t (B·T). */
    public int[] positionIds() {
        int[] out = new int[ids.length * length];
        for (int n = 0; n < out.length; n++) {
            out[n] = n % length;
        }
        return out;
    }

    /** Token type ids (B·T), 0 at padding. */
    public int[] tokenTypeIds() {
        int[] out = new int[ids.length * length];
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < ids[b].length; t++) {
                out[b * length + t] = typeId(b, t);
            }
        }
        return out;
    }

    /** Additive attention mask (B,1,1,T): 0 for real keys, {@link #MASKED} for padding keys. */
    public INDArray attentionBias(DataType dataType) {
        INDArray bias = Nd4j.zeros(dataType, ids.length, 1, 1, length);
        for (int b = 0; b < ids.length; b++) {
            for (int t = ids[b].length; t < length; t++) {
                bias.putScalar(new long[]{b, 0, 0, t}, MASKED);
            }
        }
        return bias;
    }

    /** Masked mean pooling matrix (B, B·T): row b averages the real tokens of sequence b. */
    public INDArray poolingMatrix(DataType dataType) {
        INDArray p = Nd4j.zeros(dataType, ids.length, (long) ids.length * length);
        for (int b = 0; b < ids.length; b++) {
            double w = 1.0 / ids[b].length;
            for (int t = 0; t < ids[b].length; t++) {
                p.putScalar(b, (long) b * length + t, w);
            }
        }
        return p;
    }
}

package org.sparktrain.retrieval.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The {@code minilm-head} encoder for serving: a frozen base sentence encoder (all-MiniLM-L6-v2 through
 * {@link OnnxMiniLmEncoder}, or any {@link TextEncoder}) followed by a trained {@link ResidualHead}
 * e = normalize(u + W u + c) on its embedding u. With W = 0, c = 0 it equals the base encoder, so a fine-tuned head
 * starts from MiniLM zero-shot. Parameters: {@code [W row-major | c]}, d² + d values.
 */
public final class HeadTextEncoder implements TextEncoder {
    private final TextEncoder base;
    private final ResidualHead head;
    private final double[] params;

    /** @param params head parameters, d² + d values with d = {@code base.dimension()} */
    public HeadTextEncoder(TextEncoder base, double[] params) {
        this.base = base;
        this.head = new ResidualHead(base.dimension(), 0);
        if (params.length != head.numParams()) {
            throw new IllegalArgumentException("a head on " + base.dimension() + "-d embeddings has "
                    + head.numParams() + " parameters, got " + params.length);
        }
        this.params = params.clone();
    }

    @Override
    public float[][] encode(List<String> texts) {
        return apply(head, params, base.encode(texts));
    }

    /** The head applied to precomputed base embeddings (rows of d floats). */
    public static float[][] apply(double[] params, float[][] baseEmbeddings) {
        if (baseEmbeddings.length == 0) {
            return new float[0][];
        }
        return apply(new ResidualHead(baseEmbeddings[0].length, 0), params, baseEmbeddings);
    }

    private static float[][] apply(ResidualHead head, double[] params, float[][] rows) {
        if (rows.length == 0) {
            return rows;
        }
        INDArray u = Nd4j.createFromArray(rows).castTo(DataType.DOUBLE);
        INDArray e = head.forward(params, u).embeddings();
        float[][] out = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            out[r] = e.getRow(r).toFloatVector();
        }
        return out;
    }

    @Override
    public int dimension() {
        return head.dim();
    }

    @Override
    public void close() throws Exception {
        base.close();
    }
}

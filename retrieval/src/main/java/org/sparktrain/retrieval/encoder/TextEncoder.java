package org.sparktrain.retrieval.encoder;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/** A sentence encoder: texts to L2-normalised embeddings, one row of {@link #dimension()} floats per text. */
public interface TextEncoder extends AutoCloseable {
    /** Embeddings of the texts, in input order. */
    float[][] encode(List<String> texts);

    /**
     * {@link #encode(List)} on consecutive slices of at most {@code batchSize} texts (bounding the memory of one
     * forward pass), concatenated in input order.
     */
    default float[][] encode(List<String> texts, int batchSize) {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += batchSize) {
            float[][] e = encode(texts.subList(from, Math.min(texts.size(), from + batchSize)));
            System.arraycopy(e, 0, out, from, e.length);
        }
        return out;
    }

    /** Embedding dimension. */
    int dimension();

    /**
     * Creates an encoder where it is used (for example once per Spark partition on an executor), so that only this
     * small factory is serialised, never the model.
     */
    @FunctionalInterface
    interface Factory extends Serializable {
        TextEncoder create() throws IOException;
    }
}

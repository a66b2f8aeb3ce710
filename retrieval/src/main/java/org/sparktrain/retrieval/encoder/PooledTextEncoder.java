package org.sparktrain.retrieval.encoder;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
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
 * {@link #save} writes into a sibling temporary directory and renames it into place, so a reader never sees a
 * half-written model.
 */
public final class PooledTextEncoder implements TextEncoder {
    public static final String PROPERTIES = "encoder.properties";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String TABLE = "token-embeddings.bin";
    public static final String PARAMS = "params.bin";
    private static final int PARAMS_MAGIC = 0x50454E43; // "PENC"

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

    /** Writes the model directory atomically (temporary sibling, then rename); replaces an existing one. */
    public void save(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp-");
        Properties p = new Properties();
        p.setProperty("type", "pooled");
        p.setProperty("vocabSize", Integer.toString(encoder.vocabSize()));
        p.setProperty("dim", Integer.toString(encoder.dim()));
        p.setProperty("maxLength", Integer.toString(maxLength));
        try (OutputStream out = Files.newOutputStream(tmp.resolve(PROPERTIES))) {
            p.store(out, "sparktrain pooled encoder (org.sparktrain.retrieval.encoder.PooledTextEncoder)");
        }
        Files.write(tmp.resolve(TOKENIZER), tokenizerJson);
        try (OutputStream out = Files.newOutputStream(tmp.resolve(TABLE))) {
            encoder.table().write(out);
        }
        try (OutputStream out = Files.newOutputStream(tmp.resolve(PARAMS))) {
            writeParams(toFloats(params), out);
        }
        if (Files.exists(dir)) {
            Path old = Files.createTempDirectory(parent, "." + dir.getFileName() + ".old-");
            Files.delete(old);
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } else {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Loads a directory written by {@link #save}; errors name the file. */
    public static PooledTextEncoder load(Path dir) throws IOException {
        Properties p = new Properties();
        Path props = dir.resolve(PROPERTIES);
        if (!Files.exists(props)) {
            throw new IOException(props + " is missing: " + dir + " is not a saved pooled encoder");
        }
        try (InputStream in = Files.newInputStream(props)) {
            p.load(in);
        }
        if (!"pooled".equals(p.getProperty("type"))) {
            throw new IOException(props + ": type is '" + p.getProperty("type") + "', expected 'pooled'");
        }
        int maxLength = intProperty(p, "maxLength", props);
        TokenEmbeddingTable table;
        try (InputStream in = Files.newInputStream(dir.resolve(TABLE))) {
            table = TokenEmbeddingTable.read(in, dir.resolve(TABLE).toString());
        }
        if (table.vocabSize() != intProperty(p, "vocabSize", props) || table.dim() != intProperty(p, "dim", props)) {
            throw new IOException(dir.resolve(TABLE) + ": shape " + table.vocabSize() + " x " + table.dim()
                    + " differs from " + props);
        }
        float[] params;
        try (InputStream in = Files.newInputStream(dir.resolve(PARAMS))) {
            params = readParams(in, dir.resolve(PARAMS).toString());
        }
        return new PooledTextEncoder(new PooledEncoder(table), Files.readAllBytes(dir.resolve(TOKENIZER)), params,
                maxLength);
    }

    /** Flat parameters as magic, count, floats (big-endian). */
    public static void writeParams(float[] params, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16));
        data.writeInt(PARAMS_MAGIC);
        data.writeInt(params.length);
        for (float x : params) {
            data.writeFloat(x);
        }
        data.flush();
    }

    /** Reads what {@link #writeParams} wrote. */
    public static float[] readParams(InputStream in, String source) throws IOException {
        DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
        if (data.readInt() != PARAMS_MAGIC) {
            throw new IOException(source + " is not a parameter file (bad magic number)");
        }
        int n = data.readInt();
        if (n < 0) {
            throw new IOException(source + ": negative parameter count " + n);
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = data.readFloat();
        }
        return out;
    }

    private static int intProperty(Properties p, String key, Path file) throws IOException {
        String v = p.getProperty(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IOException(String.format(Locale.ROOT, "%s: property %s is '%s', expected an integer", file, key,
                    v));
        }
    }

    private static float[] toFloats(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path q : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    @Override
    public void close() {
    }
}

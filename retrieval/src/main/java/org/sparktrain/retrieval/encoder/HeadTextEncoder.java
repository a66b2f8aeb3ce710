package org.sparktrain.retrieval.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * The {@code minilm-head} encoder for serving: a frozen base sentence encoder (all-MiniLM-L6-v2 through
 * {@link OnnxMiniLmEncoder}, or any {@link TextEncoder}) followed by a trained {@link ResidualHead}
 * e = normalize(u + W u + c) on its embedding u. With W = 0, c = 0 it equals the base encoder, so a fine-tuned head
 * starts from MiniLM zero-shot. Parameters: {@code [W row-major | c]}, d² + d values.
 */
public final class HeadTextEncoder implements TextEncoder {
    public static final String TYPE = "minilm-head";
    static final String BASE_ONNX = "base.onnx";
    static final String TOKENIZER = "tokenizer.json";
    static final String HEAD = "head.bin";
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

    /**
     * Saves a {@code minilm-head} model whose base is an all-MiniLM-L6-v2 ONNX graph, self-contained (no artifact
     * needed to serve it), atomically ({@link ModelDirectory}): {@code encoder.properties} (type {@value #TYPE},
     * maxLength, dim), {@code base.onnx} (the frozen base, about 90 MB), {@code tokenizer.json} and {@code head.bin}
     * ({@link ParamsFile}: [W row-major | c] as floats).
     *
     * @param head      the head's parameters, d² + d values
     * @param maxLength the base encoder's longest token sequence
     */
    public static void save(Path dir, float[] head, byte[] baseOnnx, byte[] tokenizerJson, int maxLength)
            throws IOException {
        int dim = dimensionOf(head.length);
        Properties p = new Properties();
        p.setProperty("type", TYPE);
        p.setProperty("maxLength", Integer.toString(maxLength));
        p.setProperty("dim", Integer.toString(dim));
        ModelDirectory.write(dir, p, "sparktrain minilm-head encoder (org.sparktrain.retrieval.encoder.HeadTextEncoder)",
                tmp -> {
                    Files.write(tmp.resolve(BASE_ONNX), baseOnnx);
                    Files.write(tmp.resolve(TOKENIZER), tokenizerJson);
                    ParamsFile.write(head, tmp.resolve(HEAD));
                });
    }

    /**
     * Loads a directory written by {@link #save}: the base runs on ONNX Runtime with {@code intraOpThreads} threads.
     */
    public static HeadTextEncoder load(Path dir, int intraOpThreads) throws IOException {
        Properties p = ModelDirectory.read(dir, TYPE);
        int maxLength = ModelDirectory.intProperty(p, "maxLength", dir);
        float[] head = ParamsFile.read(dir.resolve(HEAD));
        int dim = ModelDirectory.intProperty(p, "dim", dir);
        if (head.length != (long) dim * dim + dim) {
            throw new IOException(dir.resolve(HEAD) + " holds " + head.length + " values, a head on " + dim
                    + "-d embeddings has " + ((long) dim * dim + dim));
        }
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromTokenizerJson(
                new java.io.ByteArrayInputStream(ModelDirectory.file(dir, TOKENIZER)), dir.resolve(TOKENIZER).toString());
        OnnxMiniLmEncoder base = OnnxMiniLmEncoder.load(ModelDirectory.file(dir, BASE_ONNX), tokenizer, maxLength,
                intraOpThreads);
        double[] params = new double[head.length];
        for (int i = 0; i < head.length; i++) {
            params[i] = head[i];
        }
        return new HeadTextEncoder(base, params);
    }

    /** d of a head with d² + d parameters. */
    private static int dimensionOf(int numParams) {
        int d = (int) Math.floor(Math.sqrt(numParams));
        while ((long) d * d + d > numParams) {
            d--;
        }
        if ((long) d * d + d != numParams) {
            throw new IllegalArgumentException(numParams + " is not d² + d for any d");
        }
        return d;
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

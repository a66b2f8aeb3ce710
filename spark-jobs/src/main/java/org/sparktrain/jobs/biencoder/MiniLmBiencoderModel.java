package org.sparktrain.jobs.biencoder;

import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.MiniLmSameDiffEncoder;
import org.sparktrain.retrieval.encoder.OnnxMiniLmEncoder;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.encoder.WordPieceTokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code encoder: minilm}: all 22,565,376 parameters of all-MiniLM-L6-v2 re-built in SameDiff
 * ({@link MiniLmBiencoderFactory}: every replica reads the pretrained weights from the artifact at {@code minilm}, so
 * training starts from them); WordPiece id columns like {@code pooled}; saved as a {@link MiniLmSameDiffEncoder}
 * directory (about 90 MB). The hard negatives of {@code data.triples: model} come from the same pretrained model on
 * ONNX Runtime (faster on CPU; its embeddings match SameDiff's to cosine &ge; 0.999).
 */
final class MiniLmBiencoderModel extends TokenIdBiencoderModel {
    private final String minilm;

    /**
     * @param minilm    the artifact's location ({@link MiniLmArtifact}; null = class path)
     * @param maxLength the saved encoder's longest token sequence (data.maxDocumentLength)
     */
    MiniLmBiencoderModel(String minilm, WordPieceTokenizer tokenizer, byte[] tokenizerJson, int maxLength) {
        super(tokenizer, tokenizerJson, maxLength);
        this.minilm = minilm;
    }

    @Override
    public TrainableFactory factory(BiencoderLossConfig loss) {
        return new MiniLmBiencoderFactory(minilm, loss, tokenizer.padId());
    }

    @Override
    public float[] initialParams() {
        return null;
    }

    @Override
    public MiniLmSameDiffEncoder encoder(float[] params) throws IOException {
        return MiniLmSameDiffEncoder.fromParams(params, tokenizerJson, maxLength);
    }

    @Override
    public TextEncoder start() throws IOException {
        return OnnxMiniLmEncoder.load(MiniLmArtifact.read(minilm, MiniLmFiles.ONNX), tokenizer, maxLength,
                Runtime.getRuntime().availableProcessors());
    }

    @Override
    public void save(float[] params, Path dir) throws IOException {
        encoder(params).save(dir);
    }
}

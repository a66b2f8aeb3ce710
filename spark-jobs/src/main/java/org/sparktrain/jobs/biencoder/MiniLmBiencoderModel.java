package org.sparktrain.jobs.biencoder;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.MiniLmSameDiffEncoder;
import org.sparktrain.retrieval.encoder.OnnxMiniLmEncoder;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.encoder.WordPieceTokenizer;
import org.sparktrain.retrieval.train.TrainingTriple;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code encoder: minilm}: all 22,565,376 parameters of all-MiniLM-L6-v2 re-built in SameDiff
 * ({@link MiniLmBiencoderFactory}: every replica reads the pretrained weights from the artifact at {@code minilm}, so
 * training starts from them); WordPiece id columns like {@code pooled}; saved as a {@link MiniLmSameDiffEncoder}
 * directory (about 90 MB). The hard negatives of {@code data.triples: model} come from the same pretrained model on
 * ONNX Runtime (faster on CPU; its embeddings match SameDiff's to cosine &ge; 0.999).
 */
final class MiniLmBiencoderModel implements BiencoderModel {
    private final String minilm;
    private final WordPieceTokenizer tokenizer;
    private final byte[] tokenizerJson;
    private final int maxLength;

    /**
     * @param minilm    the artifact's location ({@link MiniLmArtifact}; null = class path)
     * @param maxLength the saved encoder's longest token sequence (data.maxDocumentLength)
     */
    MiniLmBiencoderModel(String minilm, WordPieceTokenizer tokenizer, byte[] tokenizerJson, int maxLength) {
        this.minilm = minilm;
        this.tokenizer = tokenizer;
        this.tokenizerJson = tokenizerJson;
        this.maxLength = maxLength;
    }

    @Override
    public Dataset<Row> frame(SparkSession spark, BiencoderTraining.Collection c, List<TrainingTriple> triples,
                              BiencoderDataConfig d, int batchSize, long seed) {
        return BiencoderTraining.frame(spark, c, triples, tokenizer, d, batchSize, seed);
    }

    @Override
    public List<ColumnSpec> columns(BiencoderDataConfig d) {
        return BiencoderTraining.columns(d);
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

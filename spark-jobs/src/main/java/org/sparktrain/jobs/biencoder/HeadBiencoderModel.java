package org.sparktrain.jobs.biencoder;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.retrieval.encoder.HeadTextEncoder;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.train.TrainingTriple;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code encoder: minilm-head}: e = normalize(u + W u + c) on the frozen all-MiniLM-L6-v2 embedding u
 * ({@link HeadTextEncoder}, {@link HeadBiencoderFactory}); d = 384, d² + d = 147,840 parameters starting at W = 0,
 * c = 0, i.e. at MiniLM zero-shot. The base embeddings of the collection's texts are computed once on Spark
 * ({@link BaseEmbeddings}) and travel in the training frame, so a step costs a few small matrix products. Queries
 * and documents are both cut at {@code data.maxDocumentLength} (one encoder serves both). Saved self-contained: the
 * base ONNX graph (about 90 MB) is copied into the model directory.
 */
final class HeadBiencoderModel implements BiencoderModel {
    private final String minilm;
    private final byte[] tokenizerJson;
    private final int maxLength;
    private final int partitions;
    private final BaseEmbeddings base;

    /**
     * Precomputes the base embeddings of every document and query of {@code c}.
     *
     * @param partitions Spark partitions of the base encoding (the engine's workers)
     */
    HeadBiencoderModel(SparkSession spark, String minilm, byte[] tokenizerJson, int maxLength, int partitions,
                       BiencoderTraining.Collection c) {
        this.minilm = minilm;
        this.tokenizerJson = tokenizerJson;
        this.maxLength = maxLength;
        this.partitions = partitions;
        this.base = new BaseEmbeddings(minilm, maxLength);
        List<String> texts = new ArrayList<>(c.documents().values());
        texts.addAll(c.queries().values());
        base.precompute(spark, texts, partitions);
    }

    @Override
    public Dataset<Row> frame(SparkSession spark, BiencoderTraining.Collection c, List<TrainingTriple> triples,
                              BiencoderDataConfig d, int batchSize, long seed) {
        Map<String, String> queryTexts = new HashMap<>();
        Map<String, String> docTexts = new HashMap<>();
        for (TrainingTriple t : triples) {
            queryTexts.put(t.queryId(), c.queries().get(t.queryId()));
            docTexts.put(t.positiveId(), BiencoderTraining.documentText(c, t.positiveId()));
            docTexts.put(t.negativeId(), BiencoderTraining.documentText(c, t.negativeId()));
        }
        List<String> all = new ArrayList<>(queryTexts.values());
        all.addAll(docTexts.values());
        base.precompute(spark, all, partitions);
        Map<String, float[]> queries = new HashMap<>();
        queryTexts.forEach((id, text) -> queries.put(id, base.get(text)));
        Map<String, float[]> docs = new HashMap<>();
        docTexts.forEach((id, text) -> docs.put(id, base.get(text)));
        return BiencoderTraining.embeddingFrame(spark, triples, queries, docs, batchSize, seed);
    }

    @Override
    public List<ColumnSpec> columns(BiencoderDataConfig d) {
        return BiencoderTraining.embeddingColumns(MiniLmFiles.DIMENSION);
    }

    @Override
    public TrainableFactory factory(BiencoderLossConfig loss) {
        return new HeadBiencoderFactory(MiniLmFiles.DIMENSION, loss);
    }

    @Override
    public float[] initialParams() {
        int d = MiniLmFiles.DIMENSION;
        return new float[d * d + d];
    }

    @Override
    public TextEncoder encoder(float[] params) {
        double[] p = new double[params.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = params[i];
        }
        return new HeadTextEncoder(base, p);
    }

    @Override
    public TextEncoder start() {
        return base;
    }

    @Override
    public void save(float[] params, Path dir) throws IOException {
        HeadTextEncoder.save(dir, params, MiniLmArtifact.read(minilm, MiniLmFiles.ONNX), tokenizerJson, maxLength);
    }
}

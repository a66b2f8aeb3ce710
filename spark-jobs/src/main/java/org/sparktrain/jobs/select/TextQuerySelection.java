package org.sparktrain.jobs.select;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BuildInfo;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.sampling.SelectionResult;
import org.sparktrain.data.sampling.SelectionSettings;
import org.sparktrain.data.sampling.SensitivitySampling;
import org.sparktrain.data.text.RetrievalDataset;
import org.sparktrain.jobs.biencoder.BaseEmbeddings;
import org.sparktrain.jobs.biencoder.BiencoderDataConfig;
import org.sparktrain.jobs.biencoder.BiencoderTraining;
import org.sparktrain.jobs.retrieval.DistributedRetrieval;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.SavedEncoder;
import org.sparktrain.retrieval.encoder.TextEncoder;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * {@code select} on a prepared text-retrieval dataset: sensitivity sampling of its <b>training queries</b>, for
 * {@code train-biencoder} ({@code data.selection}).
 * <ul>
 * <li>Records: the training queries of {@code train-biencoder}'s fixed seeded split ({@link BiencoderTraining#split}
 *     with the same {@code splitSeed}, {@code testQueries}, {@code validationQueries}), so no test or validation query
 *     can be selected, that have at least one judged document of relevance >= {@code minRelevance} (a query without
 *     one gives train-biencoder no triple). Record id = the queries table's {@code id}; the selection keeps the
 *     {@code queryId}.</li>
 * <li>Embedding: the pretrained all-MiniLM-L6-v2 sentence embedding of the query text (ONNX Runtime, one session
 *     per Spark partition, {@link BaseEmbeddings#onnx}), unit-normalised as usual ({@code selection.normalize}).
 *     {@code raw} and {@code pca} do not apply to text.</li>
 * <li>Loss at the k representatives: {@link TextQueryLoss} (the adaptive relevance-margin loss of the query's BM25
 *     triples) under {@code model} (a saved bi-encoder, its run directory or its {@code model/}) or, without one, the
 *     pretrained MiniLM zero-shot.</li>
 * </ul>
 * p, the draws and the weights are those of every selection ({@link SensitivitySampling#selectRecords}).
 */
final class TextQuerySelection {
    /** The selection's column holding the query id. */
    static final String QUERY_ID = "queryId";
    private static final int BATCH = 32;

    private TextQuerySelection() {
    }

    /** Checks what can be checked without Spark: the method and the embedding. */
    static void validate(SelectConfig cfg) {
        SelectionSettings s = cfg.selection();
        if (!SelectionSettings.SENSITIVITY.equals(s.method()) && !SelectionSettings.UNIFORM.equals(s.method())) {
            throw new BadInputException("selection.method: " + s.method() + " is not available for the queries of "
                    + "a text-retrieval dataset (sensitivity or uniform)");
        }
        if (s.embedding() != null) {
            throw new BadInputException("selection.embedding: " + s.embedding() + " does not apply to the queries "
                    + "of a text-retrieval dataset (" + cfg.data().dataset() + "): they are embedded with the "
                    + "pretrained all-MiniLM-L6-v2; leave selection.embedding unset");
        }
        if (Boolean.TRUE.equals(s.labelAware())) {
            throw new BadInputException("selection.labelAware: queries have no class label");
        }
        if (s.lambdaQuantile() != null) {
            throw new BadInputException("selection.lambdaQuantile: not available for text queries; set "
                    + "selection.lambda");
        }
    }

    static SelectionResult select(SparkSession spark, SelectConfig cfg) {
        validate(cfg);
        String dataset = cfg.data().dataset();
        BiencoderDataConfig d = cfg.data().retrieval();
        BiencoderTraining.Collection c = BiencoderTraining.load(spark, dataset);
        BiencoderTraining.Splits splits = BiencoderTraining.split(c, d);
        List<String> eligible = new ArrayList<>();
        for (String q : splits.train()) {
            if (c.qrels().relevantCount(q, d.minRelevance()) > 0) {
                eligible.add(q);
            }
        }
        if (eligible.isEmpty()) {
            throw new BadInputException("data.dataset: " + dataset + " has no training query with a judged document "
                    + "of relevance >= " + d.minRelevance());
        }
        Dataset<Row> queries = RetrievalDataset.readTable(spark, dataset, RetrievalDataset.QUERIES)
                .join(spark.createDataset(eligible, Encoders.STRING()).toDF(QUERY_ID), QUERY_ID)
                .select(col("id"), col(QUERY_ID), col("text"));
        Map<Long, String> ids = new HashMap<>();
        for (Row r : queries.select("id", QUERY_ID).collectAsList()) {
            ids.put(r.getLong(0), r.getString(1));
        }

        JavaRDD<scala.Tuple2<String, String>> texts = queries.javaRDD()
                .map(r -> new scala.Tuple2<>(Long.toString(r.getLong(0)), r.getString(2)));
        JavaRDD<Row> embedded = DistributedRetrieval.encode(texts, BaseEmbeddings.onnx(cfg.minilm(),
                d.maxQueryLength(), 1), BATCH).map(t -> RowFactory.create(Long.parseLong(t._1()), t._2(), 0.0));
        StructType schema = new StructType()
                .add(PreparedDataset.ID, DataTypes.LongType, false)
                .add(PreparedDataset.FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(PreparedDataset.LABEL, DataTypes.DoubleType, false);
        Dataset<Row> records = spark.createDataFrame(embedded, schema)
                .join(queries.select(col("id").as(PreparedDataset.ID), col(QUERY_ID)), PreparedDataset.ID)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            TextQueryLoss loss = new TextQueryLoss(c, d, encoder(cfg, d), ids, cfg.model() == null
                    ? "pretrained all-MiniLM-L6-v2 (zero-shot), adaptive relevance-margin loss of the BM25 triples"
                    : "bi-encoder " + modelDir(cfg.model()) + ", adaptive relevance-margin loss of the BM25 triples");
            return SensitivitySampling.selectRecords(spark, records, manifest(spark, dataset, d, eligible.size()), dataset,
                    cfg.output(), cfg.selection(), loss, "minilm", List.of(QUERY_ID));
        } finally {
            records.unpersist();
        }
    }

    private static TextEncoder.Factory encoder(SelectConfig cfg, BiencoderDataConfig d) {
        if (cfg.model() == null) {
            return BaseEmbeddings.onnx(cfg.minilm(), d.maxDocumentLength(), Runtime.getRuntime().availableProcessors());
        }
        String dir = modelDir(cfg.model());
        return SavedEncoder.factory(dir, Runtime.getRuntime().availableProcessors());
    }

    /** {@code path} itself when it is a saved bi-encoder, else {@code path/model}; an error naming model: if neither. */
    static String modelDir(String path) {
        Path p = Path.of(path);
        if (SavedEncoder.isSaved(p)) {
            return p.toString();
        }
        if (SavedEncoder.isSaved(p.resolve("model"))) {
            return p.resolve("model").toString();
        }
        throw new BadInputException("model: no saved bi-encoder in " + path + " (neither it nor " + path + "/model "
                + "holds one; give the run directory of a finished train-biencoder run)");
    }

    /**
     * The manifest the selection derives from: the text dataset's, as a one-split dataset of {@value
     * MiniLmFiles#DIMENSION}-float features, with the split settings recorded (train-biencoder checks them).
     */
    private static DatasetManifest manifest(SparkSession spark, String dataset, BiencoderDataConfig d, long n) {
        DatasetManifest source = PreparedDataset.readManifest(dataset, spark.sparkContext().hadoopConfiguration());
        Map<String, String> props = new LinkedHashMap<>(source.properties());
        props.put("selection.records", "training queries");
        props.put("selection.splitSeed", Long.toString(d.splitSeed()));
        props.put("selection.testQueries", Integer.toString(d.testQueries()));
        props.put("selection.validationQueries", Integer.toString(d.validationQueries()));
        props.put("selection.minRelevance", Integer.toString(d.minRelevance()));
        Map<String, DatasetManifest.Split> splits = Map.of(PreparedDataset.TRAIN, new DatasetManifest.Split(n, List.of()));
        return new DatasetManifest(DatasetManifest.FORMAT, source.name(), source.kind(),
                List.of(MiniLmFiles.DIMENSION), null, 0, null, splits, null, source.sources(), 0, null, props,
                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), BuildInfo.createdBy("TextQuerySelection"));
    }
}

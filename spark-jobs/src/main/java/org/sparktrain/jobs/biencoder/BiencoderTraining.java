package org.sparktrain.jobs.biencoder;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.text.RetrievalDataset;
import org.sparktrain.retrieval.bm25.Bm25Index;
import org.sparktrain.retrieval.encoder.PooledEncoder;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.encoder.TokenIdf;
import org.sparktrain.retrieval.encoder.WordPieceTokenizer;
import org.sparktrain.retrieval.eval.Qrels;
import org.sparktrain.retrieval.eval.QuerySplit;
import org.sparktrain.retrieval.eval.RetrievalMetrics;
import org.sparktrain.retrieval.eval.Run;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.retrieval.search.ExactTopK;
import org.sparktrain.retrieval.train.Bm25TripleMiner;
import org.sparktrain.retrieval.train.DenseNegativeMiner;
import org.sparktrain.retrieval.train.SelfSupervisedPairs;
import org.sparktrain.retrieval.train.TrainingTriple;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The data side of {@code train-biencoder}, shared with the Cranfield bench: the collection on the driver, the
 * fixed query split, BM25 triple mining, the tokenised triples as the engine's training frame, and exact-search
 * evaluation of an encoder.
 */
public final class BiencoderTraining {
    private BiencoderTraining() {
    }

    /** A test collection held on the driver: document id to text (title + " " + text), query id to text, qrels. */
    public record Collection(Map<String, String> documents, Map<String, String> queries, Qrels qrels) {
    }

    /** Train, validation and test query ids. */
    public record Splits(List<String> train, List<String> validation, List<String> test) {
    }

    /** Reads corpus, queries and qrels of a prepared text-retrieval dataset onto the driver. */
    public static Collection load(SparkSession spark, String dataset) {
        Map<String, String> docs = new LinkedHashMap<>();
        for (Row r : RetrievalDataset.readTable(spark, dataset, RetrievalDataset.CORPUS).orderBy("id").collectAsList()) {
            String title = r.getAs("title");
            String text = r.getAs("text");
            docs.put(r.getAs("docId"), ((title == null ? "" : title) + " " + (text == null ? "" : text)).trim());
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (Row r : RetrievalDataset.readTable(spark, dataset, RetrievalDataset.QUERIES).orderBy("id").collectAsList()) {
            queries.put(r.getAs("queryId"), r.getAs("text"));
        }
        Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
        for (Row r : RetrievalDataset.readTable(spark, dataset, RetrievalDataset.QRELS).collectAsList()) {
            int rel = r.<Integer>getAs("relevance");
            judged.computeIfAbsent(r.getAs("queryId"), k -> new LinkedHashMap<>()).put(r.getAs("docId"), rel);
        }
        if (docs.isEmpty() || queries.isEmpty()) {
            throw new BadInputException(dataset + ": the corpus or the queries table is empty");
        }
        return new Collection(docs, queries, Qrels.of(judged));
    }

    /** {@link QuerySplit} of all query ids; validation = the first {@code validationQueries} training ids. */
    public static Splits split(Collection c, BiencoderDataConfig d) {
        QuerySplit s = QuerySplit.of(c.queries().keySet(), d.splitSeed(), d.testQueries());
        if (d.validationQueries() >= s.train().size()) {
            throw new BadInputException("data.validationQueries = " + d.validationQueries() + " leaves no training "
                    + "query (" + s.train().size() + " are not test queries)");
        }
        return new Splits(s.train().subList(d.validationQueries(), s.train().size()),
                s.train().subList(0, d.validationQueries()), s.test());
    }

    /** The collection the triples refer to (the judged collection, or self-supervised pairs) and the triples. */
    public record TrainingData(Collection collection, List<TrainingTriple> triples) {
    }

    /**
     * The training triples of {@code data.triples} ({@link BiencoderDataConfig}): {@code bm25} and {@code model}
     * use the judged training queries of {@code c}; {@code model} mines its negatives with {@code current} (the
     * model at the start of training) by exact search, judged positives excluded ({@link DenseNegativeMiner});
     * {@code title-body} and {@code sentence-rest} build pseudo-queries and passages from {@code corpus} alone
     * ({@link SelfSupervisedPairs}) and mine BM25 negatives over the passages, so no query of any split is used.
     *
     * @param corpus  document id to (title, body); only read by the self-supervised sources
     * @param current the current model; only read by {@code model}
     */
    public static TrainingData trainingData(Collection c, Splits splits, BiencoderDataConfig d,
                                            Map<String, SelfSupervisedPairs.Document> corpus, TextEncoder current) {
        return switch (d.triples()) {
            case "bm25" -> new TrainingData(c, mine(c, splits.train(), d));
            case "model" -> {
                Map<String, float[]> docs = DenseNegativeMiner.encode(current, c.documents());
                Map<String, String> queryTexts = new LinkedHashMap<>();
                splits.train().forEach(q -> queryTexts.put(q, c.queries().get(q)));
                DenseNegativeMiner miner = new DenseNegativeMiner(new ArrayList<>(docs.keySet()),
                        docs.values().toArray(new float[0][]), d.bm25Depth(), d.negativesPerPositive(),
                        d.minRelevance());
                yield new TrainingData(c, miner.mine(splits.train(), DenseNegativeMiner.encode(current, queryTexts),
                        c.qrels(), d.mineSeed()));
            }
            case "title-body", "sentence-rest" -> {
                SelfSupervisedPairs.Pairs p = d.triples().equals("title-body")
                        ? SelfSupervisedPairs.titleToBody(corpus)
                        : SelfSupervisedPairs.sentenceToRest(corpus, 4, d.mineSeed());
                if (p.queries().isEmpty()) {
                    throw new BadInputException("data.triples = " + d.triples() + ": the corpus gives no pair");
                }
                Collection pairs = new Collection(p.passages(), p.queries(), p.qrels());
                yield new TrainingData(pairs, mine(pairs, new ArrayList<>(p.queries().keySet()), d));
            }
            default -> throw new IllegalArgumentException("unknown triple source " + d.triples());
        };
    }

    /** Reads the corpus of a prepared text-retrieval dataset with title and body apart (self-supervised pairs). */
    public static Map<String, SelfSupervisedPairs.Document> loadCorpus(SparkSession spark, String dataset) {
        Map<String, SelfSupervisedPairs.Document> docs = new LinkedHashMap<>();
        for (Row r : RetrievalDataset.readTable(spark, dataset, RetrievalDataset.CORPUS).orderBy("id").collectAsList()) {
            docs.put(r.getAs("docId"), new SelfSupervisedPairs.Document(r.getAs("title"), r.getAs("text")));
        }
        return docs;
    }

    /** The query ids of a split named {@code test}, {@code validation}, {@code train} or {@code all} (non-empty). */
    public static List<String> queryIds(Collection c, Splits s, String which) {
        List<String> ids = switch (which) {
            case "test" -> s.test();
            case "validation" -> s.validation();
            case "train" -> s.train();
            case "all" -> new ArrayList<>(c.queries().keySet());
            default -> throw new BadInputException("queries: unknown split " + which
                    + " (test, validation, train or all)");
        };
        if (ids.isEmpty()) {
            throw new BadInputException("queries: the " + which + " split is empty");
        }
        return ids;
    }

    /** BM25 hard-negative triples of the given queries (judged positives never negatives). */
    public static List<TrainingTriple> mine(Collection c, List<String> queryIds, BiencoderDataConfig d) {
        try (Bm25Index index = Bm25Index.build(c.documents())) {
            return new Bm25TripleMiner(index, d.bm25Depth(), d.negativesPerPositive(), d.minRelevance())
                    .mine(queryIds, c.queries(), c.qrels(), d.mineSeed());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("BM25 index failed: " + e.getMessage(), e);
        }
    }

    /**
     * The engine's training frame: columns id, query (maxQueryLength), positive and negative (maxDocumentLength),
     * WordPiece ids as floats padded with [PAD]. The triples are shuffled with {@code Random(seed)} and cut to a
     * multiple of {@code batchSize}, so every worker has a full batch at every step (see {@link BiencoderTrainable}).
     */
    public static Dataset<Row> frame(SparkSession spark, Collection c, List<TrainingTriple> triples,
                                     WordPieceTokenizer tokenizer, BiencoderDataConfig d, int batchSize, long seed) {
        List<TrainingTriple> order = shuffledWholeBatches(triples, batchSize, seed);
        int n = order.size();
        Map<String, List<Float>> queryIds = new HashMap<>();
        Map<String, List<Float>> docIds = new HashMap<>();
        List<Row> rows = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            TrainingTriple t = order.get(k);
            rows.add(RowFactory.create((long) k,
                    queryIds.computeIfAbsent(t.queryId(), q -> padded(tokenizer, c.queries().get(q), d.maxQueryLength())),
                    docIds.computeIfAbsent(t.positiveId(), x -> padded(tokenizer, documentText(c, x), d.maxDocumentLength())),
                    docIds.computeIfAbsent(t.negativeId(), x -> padded(tokenizer, documentText(c, x), d.maxDocumentLength()))));
        }
        return spark.createDataFrame(rows, frameSchema());
    }

    /**
     * The training frame of the {@code minilm-head} encoder: the same triple order as {@link #frame} (shuffled with
     * {@code Random(seed)}, cut to whole batches), but the columns hold each text's frozen base embedding.
     *
     * @param queryEmbeddings    query id to its base embedding (d floats)
     * @param documentEmbeddings document id to its base embedding (d floats)
     */
    public static Dataset<Row> embeddingFrame(SparkSession spark, List<TrainingTriple> triples,
                                              Map<String, float[]> queryEmbeddings,
                                              Map<String, float[]> documentEmbeddings, int batchSize, long seed) {
        List<TrainingTriple> order = shuffledWholeBatches(triples, batchSize, seed);
        List<Row> rows = new ArrayList<>(order.size());
        for (int k = 0; k < order.size(); k++) {
            TrainingTriple t = order.get(k);
            rows.add(RowFactory.create((long) k, floats(queryEmbeddings, t.queryId(), "query"),
                    floats(documentEmbeddings, t.positiveId(), "document"),
                    floats(documentEmbeddings, t.negativeId(), "document")));
        }
        return spark.createDataFrame(rows, frameSchema());
    }

    /** The engine columns of {@link #embeddingFrame}: d floats each. */
    public static List<ColumnSpec> embeddingColumns(int dim) {
        return List.of(ColumnSpec.of(BiencoderTrainable.QUERY, dim), ColumnSpec.of(BiencoderTrainable.POSITIVE, dim),
                ColumnSpec.of(BiencoderTrainable.NEGATIVE, dim));
    }

    private static List<Float> floats(Map<String, float[]> embeddings, String id, String kind) {
        float[] e = embeddings.get(id);
        if (e == null) {
            throw new BadInputException("no base embedding for " + kind + " " + id);
        }
        List<Float> out = new ArrayList<>(e.length);
        for (float v : e) {
            out.add(v);
        }
        return out;
    }

    static List<TrainingTriple> shuffledWholeBatches(List<TrainingTriple> triples, int batchSize, long seed) {
        List<TrainingTriple> order = new ArrayList<>(triples);
        Collections.shuffle(order, new Random(seed));
        int n = order.size() - order.size() % batchSize;
        if (n == 0) {
            throw new BadInputException("only " + triples.size() + " training triples, fewer than one batch of "
                    + batchSize);
        }
        return new ArrayList<>(order.subList(0, n));
    }

    private static StructType frameSchema() {
        return new StructType(new StructField[]{
                DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField(BiencoderTrainable.QUERY, DataTypes.createArrayType(DataTypes.FloatType), false),
                DataTypes.createStructField(BiencoderTrainable.POSITIVE, DataTypes.createArrayType(DataTypes.FloatType), false),
                DataTypes.createStructField(BiencoderTrainable.NEGATIVE, DataTypes.createArrayType(DataTypes.FloatType), false)});
    }

    /** The text of a document (title + " " + text as prepared); a clear error for an id not in the corpus. */
    static String documentText(Collection c, String docId) {
        String t = c.documents().get(docId);
        if (t == null) {
            throw new BadInputException("qrels refer to document " + docId + ", which is not in the corpus");
        }
        return t;
    }

    private static List<Float> padded(WordPieceTokenizer tokenizer, String text, int width) {
        int[] ids = tokenizer.encode(text, width);
        List<Float> out = new ArrayList<>(width);
        for (int k = 0; k < width; k++) {
            out.add((float) (k < ids.length ? ids[k] : tokenizer.padId()));
        }
        return out;
    }

    /**
     * Initial parameters of the pooled encoder: token weights all 1 ({@code ones}) or the BM25 IDF of the ids over
     * the corpus documents tokenised as for training ({@code idf}, {@link TokenIdf}); W = 0, c = 0.
     */
    public static float[] initialParams(PooledEncoder encoder, Collection c, WordPieceTokenizer tokenizer,
                                        String tokenWeights, int maxDocumentLength) {
        if ("ones".equals(tokenWeights)) {
            return encoder.initialParams();
        }
        List<int[]> docs = new ArrayList<>();
        for (String text : c.documents().values()) {
            docs.add(tokenizer.encode(text, maxDocumentLength));
        }
        return encoder.initialParams(TokenIdf.weights(docs, encoder.vocabSize()));
    }

    /** The engine columns of the training frame. */
    public static List<ColumnSpec> columns(BiencoderDataConfig d) {
        return List.of(ColumnSpec.of(BiencoderTrainable.QUERY, d.maxQueryLength()),
                ColumnSpec.of(BiencoderTrainable.POSITIVE, d.maxDocumentLength()),
                ColumnSpec.of(BiencoderTrainable.NEGATIVE, d.maxDocumentLength()));
    }

    /** Metrics of exact top-100 retrieval for the given queries (qrels restricted to them). */
    public static RetrievalMetrics.Summary evaluate(TextEncoder encoder, Collection c, List<String> queryIds,
                                                    int minRelevance) {
        return evaluate(encoder, c, encodeCorpus(encoder, c), queryIds, minRelevance);
    }

    /** {@link #evaluate(TextEncoder, Collection, List, int)} over a corpus {@link #encodeCorpus encoded} once. */
    public static RetrievalMetrics.Summary evaluate(TextEncoder encoder, Collection c, float[][] corpus,
                                                    List<String> queryIds, int minRelevance) {
        Run run = retrieve(encoder, c, corpus, queryIds, 100);
        return new RetrievalMetrics(c.qrels().restrictTo(new java.util.HashSet<>(queryIds)), minRelevance).evaluate(run);
    }

    /** The encoder at given flat parameters (of any bi-encoder kind). */
    @FunctionalInterface
    public interface EncoderAt {
        TextEncoder at(float[] params) throws java.io.IOException;
    }

    /**
     * Scores pooled-encoder parameters by nDCG@10 of exact top-100 retrieval for the given queries (model selection,
     * {@link ValidationSelection}).
     */
    public static ValidationSelection.Scorer ndcg10Scorer(PooledEncoder encoder, byte[] tokenizerJson, int maxLength,
                                                          Collection c, List<String> queryIds, int minRelevance) {
        return ndcg10Scorer(params -> new org.sparktrain.retrieval.encoder.PooledTextEncoder(encoder, tokenizerJson,
                params, maxLength), c, queryIds, minRelevance);
    }

    /** Scores parameters by nDCG@10 of exact top-100 retrieval with the encoder {@code model} builds at them. */
    public static ValidationSelection.Scorer ndcg10Scorer(EncoderAt model, Collection c, List<String> queryIds,
                                                          int minRelevance) {
        return params -> {
            TextEncoder encoder;
            try {
                encoder = model.at(params);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            // (the bi-encoders built here hold no resource to close: arrays only, freed by the garbage collector)
            return evaluate(encoder, c, queryIds, minRelevance).ndcg10();
        };
    }

    /** Exact top-k retrieval (ND4J blocked products) of the given queries over the whole corpus. */
    public static Run retrieve(TextEncoder encoder, Collection c, List<String> queryIds, int k) {
        return retrieve(encoder, c, encodeCorpus(encoder, c), queryIds, k);
    }

    /**
     * The embeddings of every document of {@code c} by {@code encoder}, in the order of {@code c.documents()}: encode
     * once, then {@link #retrieve(TextEncoder, Collection, float[][], List, int) retrieve} several query sets.
     */
    public static float[][] encodeCorpus(TextEncoder encoder, Collection c) {
        return encodeInBatches(encoder, new ArrayList<>(c.documents().values()), 64);
    }

    /** Exact top-k retrieval of the given queries over {@code corpus}, {@link #encodeCorpus} of the same encoder. */
    public static Run retrieve(TextEncoder encoder, Collection c, float[][] corpus, List<String> queryIds, int k) {
        if (corpus.length != c.documents().size()) {
            throw new IllegalArgumentException("corpus embeddings: " + corpus.length + " rows for "
                    + c.documents().size() + " documents");
        }
        List<String> queryTexts = queryIds.stream().map(c.queries()::get).toList();
        return retrieve(encodeInBatches(encoder, queryTexts, 64), queryIds, corpus,
                new ArrayList<>(c.documents().keySet()), k);
    }

    /** Exact top-k retrieval over precomputed unit embeddings (rows aligned with the id lists). */
    public static Run retrieve(float[][] queryEmbeddings, List<String> queryIds, float[][] documentEmbeddings,
                               List<String> docIds, int k) {
        ExactTopK.Result top = ExactTopK.search(Nd4j.createFromArray(queryEmbeddings),
                Nd4j.createFromArray(documentEmbeddings), k, 256);
        return top.toRun(queryIds, docIds);
    }

    private static float[][] encodeInBatches(TextEncoder encoder, List<String> texts, int batch) {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += batch) {
            float[][] e = encoder.encode(texts.subList(from, Math.min(texts.size(), from + batch)));
            System.arraycopy(e, 0, out, from, e.length);
        }
        return out;
    }
}

package org.sparktrain.jobs.grownet;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.text.RetrievalDataset;
import org.sparktrain.retrieval.eval.Qrels;
import org.sparktrain.retrieval.eval.QuerySplit;
import org.sparktrain.retrieval.eval.RetrievalMetrics;
import org.sparktrain.retrieval.eval.ScoredDoc;
import org.sparktrain.retrieval.ltr.QueryDocumentFeatures;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learning-to-rank data for GrowNet from a text-retrieval collection (e.g. Cranfield): every query's BM25 top-k
 * over title + body (Lucene, through {@link QueryDocumentFeatures}) are its candidates, each a query-document row
 * with the {@link QueryDocumentFeatures#NAMES} features and the graded relevance of the qrels as label (0 for
 * unjudged candidates). Queries are split with {@link QuerySplit}: {@code testQueries} test queries by
 * {@code seed}, the rest again by {@code seed + 1} into {@code validationQueries} validation and the training
 * queries (Cranfield with the defaults: the 75 test queries of docs/benchmarks-retrieval.md, 30 validation, 120
 * training). Systems rerank the candidates and are scored by {@link #ndcg} (gain 2^rel − 1, ideal DCG from all
 * of the query's judgments, {@link RetrievalMetrics}).
 *
 * @param candidates query id to its candidates, best BM25 first
 * @param qrels      the judgments
 * @param train      training query ids
 * @param validation validation query ids
 * @param test       test query ids
 */
public record RerankingData(Map<String, List<QueryDocumentFeatures.Candidate>> candidates, Qrels qrels,
                            List<String> train, List<String> validation, List<String> test) {
    /** Query id column of {@link #frame}. */
    public static final String QUERY = "qid";
    /** Document id column of {@link #frame}. */
    public static final String DOC = "doc";

    /** Candidates and splits of a collection held on the driver. */
    public static RerankingData of(Map<String, String> titles, Map<String, String> bodies,
                                   Map<String, String> queries, Qrels qrels, long seed, int testQueries,
                                   int validationQueries, int depth) {
        QuerySplit split = QuerySplit.of(queries.keySet(), seed, testQueries);
        if (validationQueries >= split.train().size()) {
            throw new BadInputException("data.validationQueries = " + validationQueries + " leaves no training query ("
                    + split.train().size() + " are not test queries)");
        }
        QuerySplit trainVal = QuerySplit.of(split.train(), seed + 1, validationQueries);
        Map<String, List<QueryDocumentFeatures.Candidate>> candidates = new LinkedHashMap<>();
        try (QueryDocumentFeatures features = QueryDocumentFeatures.build(titles, bodies)) {
            queries.forEach((id, text) -> candidates.put(id, features.candidates(text, depth)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new RerankingData(candidates, qrels, trainVal.train(), trainVal.test(), split.test());
    }

    /** Reads a prepared text-retrieval dataset ({@link RetrievalDataset}: corpus, queries, qrels) and builds the candidates. */
    public static RerankingData load(SparkSession spark, String dataset, long seed, int testQueries,
                                     int validationQueries, int depth) {
        Map<String, String> titles = new LinkedHashMap<>();
        Map<String, String> bodies = new LinkedHashMap<>();
        for (Row r : RetrievalDataset.readTable(spark, dataset, RetrievalDataset.CORPUS).orderBy("id").collectAsList()) {
            String id = r.getAs("docId");
            String title = r.getAs("title");
            String text = r.getAs("text");
            titles.put(id, title == null ? "" : title);
            bodies.put(id, text == null ? "" : text);
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (Row r : RetrievalDataset.readTable(spark, dataset, RetrievalDataset.QUERIES).orderBy("id").collectAsList()) {
            queries.put(r.getAs("queryId"), r.getAs("text"));
        }
        Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
        for (Row r : RetrievalDataset.readTable(spark, dataset, RetrievalDataset.QRELS).collectAsList()) {
            judged.computeIfAbsent(r.getAs("queryId"), k -> new LinkedHashMap<>())
                    .put(r.getAs("docId"), r.<Integer>getAs("relevance"));
        }
        if (titles.isEmpty() || queries.isEmpty()) {
            throw new BadInputException(dataset + ": the corpus or the queries table is empty");
        }
        return of(titles, bodies, queries, Qrels.of(judged), seed, testQueries, validationQueries, depth);
    }

    /**
     * Rows (features: array&lt;float&gt;, label: double graded relevance, qid, doc) of the queries' candidates, cached
     * (the caller unpersists).
     */
    public Dataset<Row> frame(SparkSession spark, List<String> queries) {
        List<Row> rows = new ArrayList<>();
        for (String q : queries) {
            for (QueryDocumentFeatures.Candidate c : candidates.get(q)) {
                Float[] boxed = new Float[c.features().length];
                for (int j = 0; j < boxed.length; j++) {
                    boxed[j] = c.features()[j];
                }
                rows.add(RowFactory.create(boxed, (double) qrels.relevance(q, c.docId()), q, c.docId()));
            }
        }
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.DoubleType, false)
                .add(QUERY, DataTypes.StringType, false)
                .add(DOC, DataTypes.StringType, false);
        // spread over the cluster's default parallelism (at least 2 partitions); cached: GrowNet reads it every stage
        return spark.createDataFrame(rows, schema)
                .repartition(Math.max(2, spark.sparkContext().defaultParallelism())).cache();
    }

    /**
     * Mean nDCG@k for each k over the {@code queries} with a relevant judgment, of their candidates reranked by
     * {@code scores} (query id → document id → score; best first, ties keep the BM25 order).
     */
    public double[] ndcg(Map<String, Map<String, Double>> scores, List<String> queries, int... ks) {
        RetrievalMetrics metrics = new RetrievalMetrics(qrels.restrictTo(new HashSet<>(queries)), 1);
        double[] sum = new double[ks.length];
        int n = 0;
        for (String q : queries) {
            if (qrels.relevantCount(q, 1) == 0) {
                continue; // no relevant judgment: nDCG undefined (as RetrievalMetrics)
            }
            List<QueryDocumentFeatures.Candidate> c = candidates.get(q);
            List<ScoredDoc> ranking = new ArrayList<>();
            for (QueryDocumentFeatures.Candidate x : c) {
                ranking.add(new ScoredDoc(x.docId(), scores.get(q).get(x.docId())));
            }
            ranking.sort(Comparator.comparingDouble(ScoredDoc::score).reversed()); // stable: ties keep BM25 order
            for (int i = 0; i < ks.length; i++) {
                sum[i] += metrics.ndcg(q, ranking, ks[i]);
            }
            n++;
        }
        for (int i = 0; i < ks.length; i++) {
            sum[i] /= Math.max(n, 1);
        }
        return sum;
    }

    /** Test queries that have a relevant judgment (those {@link #ndcg} averages over). */
    public int judged(List<String> queries) {
        return (int) queries.stream().filter(q -> qrels.relevantCount(q, 1) > 0).count();
    }
}

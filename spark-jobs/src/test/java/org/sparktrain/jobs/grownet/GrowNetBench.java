package org.sparktrain.jobs.grownet;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;
import org.sparktrain.data.table.FannReader;
import org.sparktrain.data.table.TableRow;
import org.sparktrain.data.text.CorpusDocument;
import org.sparktrain.data.text.CranfieldQrelsReader;
import org.sparktrain.data.text.CranfieldReader;
import org.sparktrain.data.text.Judgment;
import org.sparktrain.data.text.TextQuery;
import org.sparktrain.retrieval.eval.Qrels;
import org.sparktrain.retrieval.eval.QuerySplit;
import org.sparktrain.retrieval.ltr.QueryDocumentFeatures;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.testing.SharedSpark;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Benchmark (not a unit test; runs only with {@code SPARKTRAIN_BENCH=1}, see docs/benchmarks-grownet.md): GrowNet
 * against XGBoost4J on the same splits, with the paper's ablations (first-order targets, constant boost rate, no
 * corrective step) in the same run. One test per dataset, e.g.
 * {@code SPARKTRAIN_BENCH=1 mvn -B -o -q -pl spark-jobs -am test -Dtest='GrowNetBench#cranfield'
 * -Dsurefire.failIfNoSpecifiedTests=false}. Each appends its Markdown table to
 * {@code target/grownet-bench/results.md} (override with {@code SPARKTRAIN_BENCH_DIR}) and prints it.
 *
 * <ul>
 *   <li>{@code censusHouse} (regression, RMSE), {@code mushroom} (binary, AUC): FANN files of Debian's libfann-doc
 *       ({@code -Dgrownet.fann=DIR}); validation = every 10th record of {@code .train}, training = the rest,
 *       test = {@code .test}.</li>
 *   <li>{@code cranfield} (learning to rank, nDCG@5 and @10 with gain 2^rel − 1 against all test judgments):
 *       queries split as docs/benchmarks-retrieval.md ({@link QuerySplit#CRANFIELD_SEED}, 75 test queries), the
 *       other 150 split again (seed + 1) into 30 validation and 120 training queries; every query's BM25 top-50
 *       (title + body) are the candidates, with {@link QueryDocumentFeatures}; labels = graded relevance
 *       5 − Cleverdon grade (4 = complete answer .. 1 = minimum interest), 0 for grade −1 and unjudged
 *       candidates. Systems rerank the candidates; BM25 alone is the candidates' order.</li>
 * </ul>
 * Settings by system properties: {@code grownet.stages}, {@code grownet.lr}, {@code grownet.epochsPerStage},
 * {@code grownet.hidden}, {@code grownet.batch}, {@code grownet.l2}, {@code grownet.patience},
 * {@code grownet.variants} (comma list of full, first-order, constant-alpha, no-corrective, standard-scaling;
 * {@code grownet.variants.census-house}, {@code .mushroom}, {@code .cranfield} override it per dataset),
 * {@code grownet.optimizer} (census-house and mushroom: an optimizer type at its defaults instead of Adam at
 * {@code grownet.lr}), {@code grownet.scaling} (feature scaling of census-house and mushroom: quantile, the default, or standard),
 * {@code grownet.baselines} (false skips the XGBoost rankers, e.g. when the ablations run in a second invocation).
 */
@ExtendWith(SharedSpark.class)
@EnabledIfEnvironmentVariable(named = "SPARKTRAIN_BENCH", matches = "1")
class GrowNetBench {
    private static final String OUT = System.getenv().getOrDefault("SPARKTRAIN_BENCH_DIR", "target/grownet-bench");
    private static final String FANN = System.getProperty("grownet.fann", "/usr/share/doc/libfann-dev/examples/datasets");
    private static final int CANDIDATES = 50;

    record Split(List<float[]> x, List<Float> y) {
    }

    record Result(String dataset, String method, String metric, double seconds, int stages) {
    }

    @Test
    void censusHouse(SparkSession spark) throws Exception {
        // 8 stages of 2 epochs, patience 3: chosen on the validation split (validation RMSE best at stage 3)
        fann(spark, "census-house", "regression", 8, 2, 32, 3);
    }

    @Test
    void mushroom(SparkSession spark) throws Exception {
        fann(spark, "mushroom", "binary", 2, 1, 16, 3);
    }

    @Test
    void cranfield(SparkSession spark) throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("sparktrain.shared.dir", "../../shared"),
                "data", "cranfield");
        Configuration conf = new Configuration();
        BadRecords bad = BadRecords.failFast();
        Map<String, String> titles = new LinkedHashMap<>();
        Map<String, String> bodies = new LinkedHashMap<>();
        try (CranfieldReader<CorpusDocument> r = CranfieldReader.documents(
                SourceFile.open(new org.apache.hadoop.fs.Path(dir.resolve("cran.all.1400").toUri()), conf), bad)) {
            r.forEachRemaining(d -> {
                titles.put(d.docId(), d.title());
                bodies.put(d.docId(), d.text());
            });
        }
        Map<String, String> queries = new LinkedHashMap<>();
        try (CranfieldReader<TextQuery> r = CranfieldReader.queries(
                SourceFile.open(new org.apache.hadoop.fs.Path(dir.resolve("cran.qry").toUri()), conf), bad)) {
            r.forEachRemaining(q -> queries.put(q.queryId(), q.text()));
        }
        Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
        try (CranfieldQrelsReader r = new CranfieldQrelsReader(
                SourceFile.open(new org.apache.hadoop.fs.Path(dir.resolve("cranqrel").toUri()), conf), bad)) {
            r.forEachRemaining((Judgment j) -> judged.computeIfAbsent(j.queryId(), k -> new LinkedHashMap<>())
                    .put(j.docId(), j.relevance()));
        }
        assertEquals(1400, titles.size());
        assertEquals(225, queries.size());
        long f0 = System.nanoTime();
        RerankingData data = RerankingData.of(titles, bodies, queries, Qrels.of(judged), QuerySplit.CRANFIELD_SEED,
                QuerySplit.CRANFIELD_TEST_SIZE, 30, CANDIDATES);
        double featureSeconds = (System.nanoTime() - f0) / 1e9;
        List<Result> results = new ArrayList<>();

        Map<String, Map<String, Double>> bm25 = new HashMap<>();
        data.candidates().forEach((q, c) -> {
            Map<String, Double> s = new LinkedHashMap<>();
            c.forEach(x -> s.put(x.docId(), x.bm25()));
            bm25.put(q, s);
        });
        results.add(new Result("cranfield", "BM25 alone (Lucene, candidate order)", ndcg(data, bm25), featureSeconds,
                0));

        boolean baselines = Boolean.parseBoolean(System.getProperty("grownet.baselines", "true"));
        for (String objective : baselines ? List.of("rank:pairwise", "rank:ndcg") : List.<String>of()) {
            results.add(xgboostRanking(objective, data));
            System.out.println(results.get(results.size() - 1));
        }

        Dataset<Row> train = data.frame(spark, data.train());
        Dataset<Row> val = data.frame(spark, data.validation());
        Dataset<Row> test = data.frame(spark, data.test());
        int stages = Integer.getInteger("grownet.stages", 6);
        GrowNetParams base = new GrowNetParams("ranking", Integer.getInteger("grownet.hidden", 16), stages,
                OptimizerConfig.of("adam", Double.parseDouble(System.getProperty("grownet.lr", "0.01"))),
                Double.parseDouble(System.getProperty("grownet.l2", "0.001")), Integer.getInteger("grownet.batch", 8),
                Integer.getInteger("grownet.epochsPerStage", 2), 2, null, null, null, null, null,
                Integer.getInteger("grownet.patience", 5), 2, 42L, null, null, null, null, RerankingData.QUERY, null,
                null);
        for (Map.Entry<String, GrowNetParams> v : variants("cranfield", base, true).entrySet()) {
            long t0 = System.nanoTime();
            GrowNetSparkModel model = new GrowNet(v.getValue()).fit(train, val);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Map<String, Double>> scores = new HashMap<>();
            for (Row r : model.transform(test).select(RerankingData.QUERY, RerankingData.DOC, model.predictionCol())
                    .collectAsList()) {
                scores.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getString(1), r.getDouble(2));
            }
            Result r = new Result("cranfield", v.getKey(), ndcg(data, scores), seconds,
                    model.summary().get("bestStage").asInt());
            System.out.println(r + " " + model.summary().get("stages"));
            results.add(r);
        }
        write("cranfield", String.format(Locale.ROOT, "Cranfield: %d training / %d validation / %d test queries, "
                        + "BM25 top-%d candidates, %d features; GrowNet %s; feature extraction %.1f s (in the BM25 row)",
                data.train().size(), data.validation().size(), data.test().size(), CANDIDATES,
                QueryDocumentFeatures.NAMES.size(), base, featureSeconds), results, "XGBoost4J rank:pairwise");
    }

    /** The full model and the ablations selected by {@code grownet.variants.<dataset>}, else {@code grownet.variants}. */
    private static Map<String, GrowNetParams> variants(String dataset, GrowNetParams base, boolean firstOrderDiffers) {
        List<String> wanted = List.of(System.getProperty("grownet.variants." + dataset, System.getProperty("grownet.variants",
                "full,first-order,constant-alpha,no-corrective,standard-scaling")).split(","));
        Map<String, GrowNetParams> v = new LinkedHashMap<>();
        if (wanted.contains("full")) {
            v.put("GrowNet", base);
        }
        if (wanted.contains("first-order") && firstOrderDiffers) {
            v.put("GrowNet, first-order", base.withAblation(false, true, true));
        }
        if (wanted.contains("constant-alpha")) {
            v.put("GrowNet, constant boost rate", base.withAblation(true, false, true));
        }
        if (wanted.contains("no-corrective")) {
            v.put("GrowNet, no corrective step", base.withAblation(true, true, false));
        }
        if (wanted.contains("standard-scaling") && !base.featureScaling().equals("standard")) {
            v.put("GrowNet, standardised features", base.withFeatureScaling("standard"));
        }
        return v;
    }

    /** Mean nDCG@5 and @10 over the test queries with a relevant judgment ({@link RerankingData#ndcg}). */
    private static String ndcg(RerankingData data, Map<String, Map<String, Double>> scores) {
        double[] v = data.ndcg(scores, data.test(), 5, 10);
        return String.format(Locale.ROOT, "nDCG@5 %.4f, nDCG@10 %.4f (%d queries)", v[0], v[1],
                data.judged(data.test()));
    }

    private static Result xgboostRanking(String objective, RerankingData data) throws Exception {
        Map<String, List<QueryDocumentFeatures.Candidate>> candidates = data.candidates();
        long t0 = System.nanoTime();
        DMatrix dtrain = rankingMatrix(data.qrels(), candidates, data.train());
        DMatrix dval = rankingMatrix(data.qrels(), candidates, data.validation());
        Booster booster = trainXgboost(objective, "ndcg@5", dtrain, dval);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String best = booster.getAttr("best_iteration");
        int bestIteration = best == null ? 799 : Integer.parseInt(best);
        Map<String, Map<String, Double>> scores = new HashMap<>();
        int d = QueryDocumentFeatures.NAMES.size();
        for (String q : data.test()) {
            List<QueryDocumentFeatures.Candidate> c = candidates.get(q);
            if (c.isEmpty()) {
                continue;
            }
            float[] flat = new float[c.size() * d];
            for (int i = 0; i < c.size(); i++) {
                System.arraycopy(c.get(i).features(), 0, flat, i * d, d);
            }
            float[][] pred = booster.inplace_predict(flat, c.size(), d, Float.NaN, new int[]{0, bestIteration + 1});
            Map<String, Double> s = new HashMap<>();
            for (int i = 0; i < c.size(); i++) {
                s.put(c.get(i).docId(), (double) pred[i][0]);
            }
            scores.put(q, s);
        }
        return new Result("cranfield", "XGBoost4J " + objective + " (hist, depth 7, eta 0.05, early stopping 50 on "
                + "validation nDCG@5)", ndcg(data, scores), seconds, bestIteration + 1);
    }

    private static DMatrix rankingMatrix(Qrels qrels, Map<String, List<QueryDocumentFeatures.Candidate>> candidates,
                                         List<String> queries) throws Exception {
        int d = QueryDocumentFeatures.NAMES.size();
        List<float[]> rows = new ArrayList<>();
        List<Float> labels = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        for (String q : queries) {
            List<QueryDocumentFeatures.Candidate> c = candidates.get(q);
            if (c.isEmpty()) {
                continue;
            }
            for (QueryDocumentFeatures.Candidate x : c) {
                rows.add(x.features());
                labels.add((float) qrels.relevance(q, x.docId()));
            }
            groups.add(c.size());
        }
        float[] flat = new float[rows.size() * d];
        float[] y = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, flat, i * d, d);
            y[i] = labels.get(i);
        }
        DMatrix m = new DMatrix(flat, rows.size(), d, Float.NaN);
        m.setLabel(y);
        m.setGroup(groups.stream().mapToInt(Integer::intValue).toArray());
        return m;
    }

    private void fann(SparkSession spark, String name, String task, int defaultStages, int epochs, int hidden,
                      int patience)
            throws Exception {
        Split[] trainVal = read(FANN + "/" + name + ".train", true);
        Split test = read(FANN + "/" + name + ".test", false)[0];
        Dataset<Row> train = frame(spark, trainVal[0]);
        Dataset<Row> val = frame(spark, trainVal[1]);
        Dataset<Row> testDf = frame(spark, test);
        boolean binary = task.equals("binary");
        List<Result> results = new ArrayList<>();
        Result xgb = xgboost(name, binary, trainVal[0], trainVal[1], test);
        results.add(xgb);
        System.out.println(xgb);
        int stages = Integer.getInteger("grownet.stages", defaultStages);
        GrowNetParams base = new GrowNetParams(task, Integer.getInteger("grownet.hidden", hidden), stages,
                System.getProperty("grownet.optimizer") != null
                        ? OptimizerConfig.defaults(System.getProperty("grownet.optimizer"))
                        : OptimizerConfig.of("adam", Double.parseDouble(System.getProperty("grownet.lr", "0.01"))),
                Double.parseDouble(System.getProperty("grownet.l2", "0.0")), Integer.getInteger("grownet.batch", 256),
                Integer.getInteger("grownet.epochsPerStage", epochs), 1, null, null, null, null, null,
                Integer.getInteger("grownet.patience", patience), 2, 42L, null, null, null, null, null,
                System.getProperty("grownet.scaling", "quantile"), null);
        // for the squared loss the Newton target equals the first-order one (h = 1): no separate run
        for (Map.Entry<String, GrowNetParams> v : variants(name, base, binary).entrySet()) {
            long t0 = System.nanoTime();
            GrowNetSparkModel model = new GrowNet(v.getValue()).fit(train, val);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double metric = evaluate(binary, model.transform(testDf), model.predictionCol());
            Result r = new Result(name, v.getKey(), String.format(Locale.ROOT, "%s %.5f", binary ? "AUC" : "RMSE",
                    metric), seconds, model.summary().get("bestStage").asInt());
            System.out.println(r + " " + model.summary().get("stages"));
            results.add(r);
        }
        write(name, name + ": GrowNet " + base, results, "XGBoost");
    }

    private static Result xgboost(String name, boolean binary, Split train, Split val, Split test) throws Exception {
        long t0 = System.nanoTime();
        Booster booster = trainXgboost(binary ? "binary:logistic" : "reg:squarederror", binary ? "auc" : "rmse",
                matrix(train), matrix(val));
        double seconds = (System.nanoTime() - t0) / 1e9;
        String best = booster.getAttr("best_iteration");
        int bestIteration = best == null ? 799 : Integer.parseInt(best);
        int d = test.x().get(0).length;
        float[] flat = flatten(test);
        float[][] pred = booster.inplace_predict(flat, test.x().size(), d, Float.NaN, new int[]{0, bestIteration + 1});
        double[] scores = new double[pred.length];
        for (int i = 0; i < pred.length; i++) {
            scores[i] = pred[i][0];
        }
        double metric = binary ? auc(scores, test.y()) : rmse(scores, test.y());
        return new Result(name, "XGBoost4J (hist, depth 7, eta 0.05, early stopping 50)",
                String.format(Locale.ROOT, "%s %.5f", binary ? "AUC" : "RMSE", metric), seconds, bestIteration + 1);
    }

    /**
     * XGBoost4J with the spec's Higgs/Year baseline settings (hist, depth 7, eta 0.05, λ 0.02, up to 800 trees),
     * early stopping after 50 rounds without a better validation {@code metric}; 2 threads, seed 42.
     */
    private static Booster trainXgboost(String objective, String metric, DMatrix train, DMatrix validation)
            throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("objective", objective);
        p.put("eval_metric", metric);
        p.put("eta", 0.05);
        p.put("max_depth", 7);
        p.put("lambda", 0.02);
        p.put("tree_method", "hist");
        p.put("nthread", 2);
        p.put("seed", 42);
        Map<String, DMatrix> watches = new LinkedHashMap<>();
        watches.put("validation", validation);
        return XGBoost.train(train, p, 800, watches, null, null, null, 50);
    }

    static double evaluate(boolean binary, Dataset<Row> scored, String col) {
        if (binary) {
            return new BinaryClassificationEvaluator().setRawPredictionCol(col).setLabelCol("label")
                    .setMetricName("areaUnderROC").evaluate(scored);
        }
        return new RegressionEvaluator().setPredictionCol(col).setLabelCol("label").setMetricName("rmse")
                .evaluate(scored);
    }

    /** Area under the ROC curve by the rank-sum formula (ties get average ranks). */
    static double auc(double[] s, List<Float> y) {
        Integer[] idx = new Integer[s.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(s[a], s[b]));
        double rankSum = 0;
        long pos = 0;
        for (int i = 0; i < idx.length; ) {
            int j = i;
            while (j + 1 < idx.length && s[idx[j + 1]] == s[idx[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (y.get(idx[k]) > 0.5f) {
                    rankSum += avg;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = s.length - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    static double rmse(double[] s, List<Float> y) {
        double sum = 0;
        for (int i = 0; i < s.length; i++) {
            double r = s[i] - y.get(i);
            sum += r * r;
        }
        return Math.sqrt(sum / s.length);
    }

    private static DMatrix matrix(Split s) throws Exception {
        DMatrix m = new DMatrix(flatten(s), s.x().size(), s.x().get(0).length, Float.NaN);
        float[] y = new float[s.y().size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = s.y().get(i);
        }
        m.setLabel(y);
        return m;
    }

    private static float[] flatten(Split s) {
        int d = s.x().get(0).length;
        float[] out = new float[s.x().size() * d];
        for (int i = 0; i < s.x().size(); i++) {
            System.arraycopy(s.x().get(i), 0, out, i * d, d);
        }
        return out;
    }

    /** Reads a FANN file with sparktrain's FannReader; one-hot outputs become class index 0/1 (mushroom). */
    static Split[] read(String file, boolean splitValidation) {
        Split a = new Split(new ArrayList<>(), new ArrayList<>());
        Split b = new Split(new ArrayList<>(), new ArrayList<>());
        try (FannReader reader = new FannReader(SourceFile.open(new org.apache.hadoop.fs.Path("file://" + file),
                new Configuration()), BadRecords.failFast())) {
            int i = 0;
            for (TableRow r = reader.next(); r != null; r = reader.next(), i++) {
                float y = r.label() != null ? Float.parseFloat(r.label()) : r.classIndex();
                Split target = splitValidation && i % 10 == 0 ? b : a;
                target.x().add(r.features());
                target.y().add(y);
            }
        }
        return new Split[]{a, b};
    }

    static Dataset<Row> frame(SparkSession spark, Split s) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < s.x().size(); i++) {
            float[] x = s.x().get(i);
            Float[] boxed = new Float[x.length];
            for (int j = 0; j < x.length; j++) {
                boxed[j] = x[j];
            }
            rows.add(RowFactory.create((Object) boxed, (double) s.y().get(i)));
        }
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.DoubleType, false);
        return spark.createDataFrame(rows, schema).repartition(2).cache();
    }

    /** Appends a Markdown table (with the time ratio to the row whose method starts with {@code reference}). */
    private static void write(String dataset, String settings, List<Result> results, String reference)
            throws Exception {
        double ref = results.stream().filter(r -> r.method().toLowerCase(Locale.ROOT)
                .startsWith(reference.toLowerCase(Locale.ROOT))).findFirst().map(Result::seconds).orElse(Double.NaN);
        StringBuilder md = new StringBuilder();
        md.append("\n### ").append(dataset).append(" (").append(java.time.Instant.now()).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(")\n\n").append(settings).append("\n\n");
        md.append("| method | test metric | stages / trees | training s | time / ").append(reference).append(" |\n");
        md.append("|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1fx |%n", r.method(), r.metric(),
                    r.stages(), r.seconds(), r.seconds() / ref));
        }
        Path out = Path.of(OUT, "results.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.out.println(md);
    }
}

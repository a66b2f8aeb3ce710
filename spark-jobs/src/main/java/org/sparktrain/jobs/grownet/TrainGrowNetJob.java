package org.sparktrain.jobs.grownet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.RecordWeights;
import org.sparktrain.jobs.RunDirectory;
import org.sparktrain.zoo.grownet.GrowNetTask;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sparktrain train-grownet}: fits GrowNet ({@link GrowNet}) on a FANN table or a prepared table dataset
 * (regression, binary; also a selection written by {@code select}, with its record weights, docs/selection.md) or, for
 * learning to rank, on the BM25 candidates of a prepared text-retrieval dataset ({@link RerankingData}) through the
 * engine, keeps the best validation stage, evaluates the test file or test queries and writes {@code <output>/<runId>/}: {@code config.yaml},
 * {@code model/} ({@link GrowNetSparkModel} layout) and {@code eval.json}, each atomically.
 */
public final class TrainGrowNetJob implements Job<TrainGrowNetConfig> {
    @Override
    public String name() {
        return "train-grownet";
    }

    @Override
    public String description() {
        return "gradient boosting with shallow neural networks (GrowNet) on a table across Spark workers";
    }

    @Override
    public Class<TrainGrowNetConfig> configType() {
        return TrainGrowNetConfig.class;
    }

    @Override
    public String runIdKey() {
        return "runId";
    }

    @Override
    public void validate(TrainGrowNetConfig cfg, JobContext ctx) {
        if (cfg.data().prepared()) {
            PreparedTables.check(cfg, ctx.hadoopConf());
        }
        new RunDirectory(cfg.output(), cfg.runId(), ctx.hadoopConf()).checkWritable();
    }

    @Override
    public void run(TrainGrowNetConfig cfg, JobContext ctx) {
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        RunDirectory run = new RunDirectory(cfg.output(), cfg.runId(), conf);
        run.createWithConfig(cfg);
        if (cfg.data().retrieval()) {
            rank(cfg, ctx, spark, run);
            return;
        }
        if (cfg.data().prepared()) {
            table(cfg, ctx, spark, run);
            return;
        }
        Dataset<Row>[] data = FannTables.read(spark, cfg.data().train(), cfg.data().validationEvery());
        Dataset<Row> validation = cfg.data().validationEvery() > 0 ? data[1] : null;
        Dataset<Row> test = cfg.data().test() != null ? FannTables.read(spark, cfg.data().test(), 0)[0] : null;
        fitAndEvaluate(cfg, ctx, run, cfg.grownet(), data[0], validation, test, null);
    }

    /**
     * Fits on {@code train}, saves the model and writes eval.json with the test metric (when there is a test set)
     * and, for a weighted fit, the weighting ({@code weights}: what {@link RecordWeights} says about the scale).
     */
    private static void fitAndEvaluate(TrainGrowNetConfig cfg, JobContext ctx, RunDirectory run, GrowNetParams p,
                                       Dataset<Row> train, Dataset<Row> validation, Dataset<Row> test,
                                       ObjectNode data) {
        Configuration conf = train.sparkSession().sparkContext().hadoopConfiguration();
        GrowNet grownet = new GrowNet(p);
        GrowNetSparkModel model = grownet.fit(train, validation);
        if (data != null) {
            model.summary().set("data", data);
        }
        model.save(run.modelDir(), conf);
        ObjectNode eval = new ObjectMapper().createObjectNode();
        eval.put("task", p.task());
        eval.put("metric", grownet.metricName());
        if (data != null) {
            eval.set("data", data);
        }
        eval.set("training", model.summary());
        if (test != null) {
            Dataset<Row> scored = model.transform(test.withColumn("label",
                    org.apache.spark.sql.functions.col("label").cast("double")));
            double metric = p.taskType() == GrowNetTask.BINARY
                    ? new BinaryClassificationEvaluator().setRawPredictionCol(p.predictionCol()).setLabelCol("label")
                    .setMetricName("areaUnderROC").evaluate(scored)
                    : new RegressionEvaluator().setPredictionCol(p.predictionCol()).setLabelCol("label")
                    .setMetricName("rmse").evaluate(scored);
            eval.put("test", metric);
            if (p.taskType() == GrowNetTask.REGRESSION) { // the constant predictor c0 (the trivial baseline)
                double c0 = model.model().initialScore();
                Row r = scored.select(org.apache.spark.sql.functions.sqrt(org.apache.spark.sql.functions.avg(
                        org.apache.spark.sql.functions.pow(org.apache.spark.sql.functions.col("label").minus(c0),
                                2)))).first();
                eval.put("constantTest", r.getDouble(0));
            }
            ctx.console().printf(Locale.ROOT, "[%s] test %s %.5f (best stage %d)%n", cfg.runId(),
                    grownet.metricName(), metric, model.summary().get("bestStage").asInt());
        }
        run.writeText("eval.json", eval.toPrettyString());
        ctx.console().printf(Locale.ROOT, "[%s] %d learners, model saved to %s%n", cfg.runId(),
                model.model().numLearners(), run.modelDir());
    }

    /**
     * A prepared table (or a selection of one): the train split, or the selection's, with its record weights
     * c_i = (R/n)·w_i ({@link RecordWeights}) as GrowNet's weight column; validation holds out the records with
     * id mod validationEvery == 0 (read from data.dataset, left out of training); the test split of data.dataset.
     */
    private static void table(TrainGrowNetConfig cfg, JobContext ctx, SparkSession spark, RunDirectory run) {
        GrowNetDataConfig d = cfg.data();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        PreparedTables t = PreparedTables.check(cfg, conf);
        Dataset<Row> train = PreparedDataset.readSplit(spark, d.trainDataset(), d.trainSplit());
        RecordWeights weights = RecordWeights.of(train, t.trainManifest(), d.trainDataset(), d.trainSplit(),
                d.weights());
        GrowNetParams p = cfg.grownet();
        if (weights.column() != null) {
            train = train.withColumn(PreparedTables.RECORD_WEIGHT,
                    org.apache.spark.sql.functions.col(weights.column()).cast("double").multiply(weights.scale()));
            p = p.withWeightCol(PreparedTables.RECORD_WEIGHT);
            ctx.console().printf(Locale.ROOT, "[%s] weighted loss: column %s x %.6g (%s)%n", cfg.runId(),
                    weights.column(), weights.scale(), weights.explanation());
        }
        Dataset<Row> validation = null;
        int every = d.validationEvery();
        if (every > 0) {
            org.apache.spark.sql.Column held = org.apache.spark.sql.functions.col(PreparedDataset.ID).mod(every)
                    .equalTo(0);
            train = train.filter(org.apache.spark.sql.functions.not(held));
            validation = PreparedDataset.readSplit(spark, d.dataset(), d.trainSplit()).filter(held);
        }
        Dataset<Row> test = t.testSplit() == null ? null : PreparedDataset.readSplit(spark, d.dataset(), t.testSplit());
        ObjectNode data = new ObjectMapper().createObjectNode();
        data.put("dataset", d.dataset());
        data.put("trainData", d.trainDataset());
        data.put("trainSplit", d.trainSplit());
        if (t.testSplit() != null) {
            data.put("testSplit", t.testSplit());
        }
        data.put("weights", weights.explanation());
        if (weights.column() != null) {
            data.put("weightScale", weights.scale());
        }
        fitAndEvaluate(cfg, ctx, run, p, train, validation, test, data);
    }

    /**
     * Learning to rank on a prepared text-retrieval dataset: GrowNet (task ranking, query column {@code qid})
     * reranks every query's BM25 candidates ({@link RerankingData}); the validation queries choose the stage; the
     * test queries' mean nDCG@5 and @10 (gain 2^rel − 1) of the kept model, and of BM25's own order, go to eval.json.
     */
    private static void rank(TrainGrowNetConfig cfg, JobContext ctx, SparkSession spark, RunDirectory run) {
        GrowNetDataConfig d = cfg.data();
        RerankingData data = RerankingData.load(spark, d.dataset(), d.splitSeed(), d.testQueries(),
                d.validationQueries(), d.candidates());
        GrowNetParams p = cfg.grownet();
        if (!p.queryCol().equals(RerankingData.QUERY)) {
            p = p.withQueryCol(RerankingData.QUERY);
        }
        GrowNet grownet = new GrowNet(p);
        Dataset<Row> train = data.frame(spark, data.train());
        Dataset<Row> validation = data.frame(spark, data.validation());
        Dataset<Row> testRows = data.frame(spark, data.test());
        GrowNetSparkModel model;
        Map<String, Map<String, Double>> scores = new HashMap<>();
        try {
            model = grownet.fit(train, validation);
            for (Row r : model.transform(testRows).select(RerankingData.QUERY, RerankingData.DOC, p.predictionCol())
                    .collectAsList()) {
                scores.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getString(1), r.getDouble(2));
            }
        } finally {
            train.unpersist(false);
            validation.unpersist(false);
            testRows.unpersist(false);
        }
        model.save(run.modelDir(), spark.sparkContext().hadoopConfiguration());
        Map<String, Map<String, Double>> bm25 = new HashMap<>();
        data.candidates().forEach((q, c) -> {
            Map<String, Double> s = new HashMap<>();
            c.forEach(x -> s.put(x.docId(), x.bm25()));
            bm25.put(q, s);
        });
        double[] ndcg = data.ndcg(scores, data.test(), 5, 10);
        double[] base = data.ndcg(bm25, data.test(), 5, 10);
        ObjectNode eval = new ObjectMapper().createObjectNode();
        eval.put("task", p.task());
        eval.put("metric", grownet.metricName());
        eval.set("training", model.summary());
        eval.put("trainQueries", data.train().size());
        eval.put("validationQueries", data.validation().size());
        ObjectNode test = eval.putObject("test");
        test.put("queries", data.judged(data.test()));
        test.put("ndcg@5", ndcg[0]);
        test.put("ndcg@10", ndcg[1]);
        test.put("bm25Ndcg@5", base[0]);
        test.put("bm25Ndcg@10", base[1]);
        run.writeText("eval.json", eval.toPrettyString());
        ctx.console().printf(Locale.ROOT, "[%s] test nDCG@5 %.4f, nDCG@10 %.4f over %d queries (BM25 order: %.4f, "
                        + "%.4f); best stage %d; model saved to %s%n", cfg.runId(), ndcg[0], ndcg[1],
                data.judged(data.test()), base[0], base[1], model.summary().get("bestStage").asInt(), run.modelDir());
    }
}

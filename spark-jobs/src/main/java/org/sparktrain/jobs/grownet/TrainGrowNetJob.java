package org.sparktrain.jobs.grownet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.RunDirectory;
import org.sparktrain.zoo.grownet.GrowNetTask;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sparktrain train-grownet}: fits GrowNet ({@link GrowNet}) on a FANN table (regression, binary) or, for
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
        Dataset<Row>[] data = FannTables.read(spark, cfg.data().train(), cfg.data().validationEvery());
        Dataset<Row> validation = cfg.data().validationEvery() > 0 ? data[1] : null;
        GrowNetParams p = cfg.grownet();
        GrowNet grownet = new GrowNet(p);
        GrowNetSparkModel model = grownet.fit(data[0], validation);
        model.save(run.modelDir(), conf);
        ObjectNode eval = new ObjectMapper().createObjectNode();
        eval.put("task", p.task());
        eval.put("metric", grownet.metricName());
        eval.set("training", model.summary());
        if (cfg.data().test() != null) {
            Dataset<Row> test = FannTables.read(spark, cfg.data().test(), 0)[0];
            Dataset<Row> scored = model.transform(test);
            double metric = p.taskType() == GrowNetTask.BINARY
                    ? new BinaryClassificationEvaluator().setRawPredictionCol(p.predictionCol()).setLabelCol("label")
                    .setMetricName("areaUnderROC").evaluate(scored)
                    : new RegressionEvaluator().setPredictionCol(p.predictionCol()).setLabelCol("label")
                    .setMetricName("rmse").evaluate(scored);
            eval.put("test", metric);
            ctx.console().printf(Locale.ROOT, "[%s] test %s %.5f (best stage %d)%n", cfg.runId(),
                    grownet.metricName(), metric, model.summary().get("bestStage").asInt());
        }
        run.writeText("eval.json", eval.toPrettyString());
        ctx.console().printf(Locale.ROOT, "[%s] %d learners, model saved to %s%n", cfg.runId(),
                model.model().numLearners(), run.modelDir());
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

package org.sparktrain.jobs.grownet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.config.ConfigLoader;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.RunDirectory;
import org.sparktrain.zoo.grownet.GrowNetTask;

import java.util.Locale;

/**
 * {@code sparktrain train-grownet}: fits GrowNet ({@link GrowNet}) on a FANN table through the engine, keeps the
 * best validation stage, evaluates the test file and writes {@code <output>/<runId>/}: {@code config.yaml},
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
        AtomicOutput.checkWritable(new RunDirectory(cfg.output(), cfg.runId(), ctx.hadoopConf()).file("config.yaml"),
                ctx.hadoopConf());
    }

    @Override
    public void run(TrainGrowNetConfig cfg, JobContext ctx) {
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        RunDirectory run = new RunDirectory(cfg.output(), cfg.runId(), conf);
        run.create();
        run.writeText("config.yaml", ConfigLoader.toYaml(cfg));
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
}

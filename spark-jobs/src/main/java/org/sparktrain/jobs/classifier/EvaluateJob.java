package org.sparktrain.jobs.classifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.RunDirectory;
import org.sparktrain.zoo.ClassifierModel;

import java.io.IOException;
import java.util.Locale;

/**
 * {@code sparktrain evaluate}: loads a run's classifier and computes accuracy, per-class accuracy, the confusion
 * matrix and the mean cross-entropy on a prepared split, distributed over the cluster; writes {@code eval.json}
 * (atomically) and refreshes the run report.
 */
public final class EvaluateJob implements Job<EvaluateConfig> {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String description() {
        return "evaluate a trained classifier: accuracy, per-class accuracy, confusion matrix -> eval.json";
    }

    @Override
    public Class<EvaluateConfig> configType() {
        return EvaluateConfig.class;
    }

    @Override
    public void validate(EvaluateConfig cfg, JobContext ctx) {
        Configuration conf = ctx.hadoopConf();
        RunDirectory run = RunDirectory.at(cfg.run(), conf);
        if (!run.exists("model")) {
            throw new BadInputException("run: " + cfg.run() + " has no model/ (is it a finished training run?)");
        }
        String dataset = datasetOf(cfg, run);
        DatasetManifest manifest = PreparedDataset.readManifest(dataset, conf);
        if (!manifest.splits().containsKey(cfg.split())) {
            throw new BadInputException("split: dataset " + dataset + " has no split '" + cfg.split() + "' (it has "
                    + manifest.splits().keySet() + ")");
        }
    }

    @Override
    public void run(EvaluateConfig cfg, JobContext ctx) {
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        RunDirectory run = RunDirectory.at(cfg.run(), conf);
        String dataset = datasetOf(cfg, run);
        ClassifierModel model = ClassifierModelStore.load(run.modelDir(), conf);
        Dataset<Row> data = PreparedDataset.readSplit(spark, dataset, cfg.split());
        ClassifierFactory factory = new ClassifierFactory(model.config(), model.shape(), model.numClasses(), 0);
        spark.sparkContext().setJobDescription("sparktrain: evaluate " + run.runId() + " on " + cfg.split());
        ClassificationMetrics m = ClassifierEvaluator.evaluate(spark, data, factory,
                model.network().params().toFloatVector());
        ObjectNode json = m.toJson(cfg.split(), model.classNames());
        json.put("dataset", dataset);
        try {
            run.writeText("eval.json", new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ctx.console().printf(Locale.ROOT, "[%s] %s accuracy %.4f (%d/%d), loss %.4f; per class: %s%n", run.runId(),
                cfg.split(), m.accuracy(), m.correct(), m.count(), m.meanLoss(), perClass(m, model));
        org.sparktrain.jobs.Reports.write(run, ctx);
    }

    private static String perClass(ClassificationMetrics m, ClassifierModel model) {
        StringBuilder s = new StringBuilder();
        double[] a = m.perClassAccuracy();
        for (int k = 0; k < a.length; k++) {
            s.append(k == 0 ? "" : " ").append(model.classNames().get(k)).append('=')
                    .append(String.format(Locale.ROOT, "%.3f", a[k]));
        }
        return s.toString();
    }

    /** The dataset named in the config, else the one the run trained on (from its config.yaml). */
    static String datasetOf(EvaluateConfig cfg, RunDirectory run) {
        if (cfg.dataset() != null) {
            return cfg.dataset();
        }
        if (!run.exists("config.yaml")) {
            throw new BadInputException("dataset: not given and " + run.path() + " has no config.yaml to take it from");
        }
        try {
            JsonNode trained = new ObjectMapper(new YAMLFactory()).readTree(run.readText("config.yaml"));
            JsonNode ds = trained.path("data").path("dataset");
            if (ds.isMissingNode() || ds.asText().isEmpty()) {
                throw new BadInputException("dataset: not given and " + run.file("config.yaml") + " names none");
            }
            return ds.asText();
        } catch (IOException e) {
            throw new BadInputException("cannot read " + run.file("config.yaml") + ": " + e.getMessage(), e);
        }
    }
}

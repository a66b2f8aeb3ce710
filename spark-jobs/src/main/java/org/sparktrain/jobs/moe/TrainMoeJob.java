package org.sparktrain.jobs.moe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingListener;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.MetricsLog;
import org.sparktrain.jobs.ProgressReporter;
import org.sparktrain.jobs.RecordWeights;
import org.sparktrain.jobs.Reports;
import org.sparktrain.jobs.RunDirectory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code sparktrain train-moe}: trains an MoE classifier ({@link org.sparktrain.zoo.moe.MoeClassifier}) on a
 * prepared image dataset, or with {@code model.type: moe-lm} an MoE language model on a text corpus
 * ({@link MoeLmTraining}), with the distributed engine, balancing expert load loss-free (routing bias updated from
 * loads summed over all workers), with the auxiliary loss, or not at all. Per step it logs MaxVio_batch, per
 * {@code logEvery} steps the loads and biases of every layer; after every epoch it evaluates the validation split
 * (accuracy, MaxVio_global, dead experts). The model ({@code model/moe-model.json}: config, parameters, biases),
 * metrics and report go to the run directory. The classifier trains on a selection written by {@code select}
 * ({@code data.selection}) with each example's cross-entropy weighted by (R/n)·w ({@link RecordWeights}).
 */
public final class TrainMoeJob implements Job<TrainMoeConfig> {
    @Override
    public String name() {
        return "train-moe";
    }

    @Override
    public String description() {
        return "train a Mixture-of-Experts classifier or language model (model.type: moe-lm) with loss-free / aux-loss / "
                + "no load balancing across Spark workers";
    }

    @Override
    public Class<TrainMoeConfig> configType() {
        return TrainMoeConfig.class;
    }

    @Override
    public String runIdKey() {
        return "runId";
    }

    @Override
    public void validate(TrainMoeConfig cfg, JobContext ctx) {
        if (cfg.model().languageModel()) {
            MoeLmTraining.validate(cfg, ctx);
            return;
        }
        Configuration conf = ctx.hadoopConf();
        DatasetManifest manifest = PreparedDataset.readManifest(cfg.data().trainDataset(), conf);
        manifest.requireSplit("data.trainSplit", cfg.data().trainDataset(), cfg.data().trainSplit());
        DatasetManifest full = cfg.data().selection() == null ? manifest
                : PreparedDataset.readManifest(cfg.data().dataset(), conf);
        if (cfg.data().hasValidation()) {
            full.requireSplit("data.validationSplit", cfg.data().dataset(), cfg.data().validationSplit());
        }
        cfg.data().requireSelectionMatches(manifest, full);
        manifest.requireClasses(cfg.data().trainDataset(), 2, "a classifier");
        new RunDirectory(cfg.output(), cfg.runId(), conf).checkWritable();
    }

    @Override
    public void run(TrainMoeConfig cfg, JobContext ctx) {
        if (cfg.model().languageModel()) {
            MoeLmTraining.run(cfg, ctx);
            return;
        }
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        DatasetManifest manifest = PreparedDataset.readManifest(cfg.data().trainDataset(), conf);
        int numInputs = manifest.featureShape().stream().reduce(1, (a, b) -> a * b);
        int numClasses = manifest.numClasses();

        RunDirectory run = new RunDirectory(cfg.output(), cfg.runId(), conf);
        run.createWithConfig(cfg);
        long resumeStep = run.resumeStep(ctx.resume());
        Dataset<Row> train = PreparedDataset.readSplit(spark, cfg.data().trainDataset(), cfg.data().trainSplit());
        RecordWeights weights = RecordWeights.of(train, manifest, cfg.data().trainDataset(), cfg.data().trainSplit(),
                cfg.data().weights());
        if (weights.column() != null) {
            ctx.console().printf(Locale.ROOT, "[%s] weighted loss: column %s x %.6g (%s)%n", cfg.runId(),
                    weights.column(), weights.scale(), weights.explanation());
        }
        MoeClassifierFactory factory = new MoeClassifierFactory(cfg.model(), cfg.balancing(), numInputs, numClasses,
                cfg.engine().seed(), weights.column(), weights.scale());
        MoeBalancingState state = factory.state();
        Dataset<Row> validation = cfg.data().hasValidation()
                ? PreparedDataset.readSplit(spark, cfg.data().dataset(), cfg.data().validationSplit()) : null;

        MoeEvaluation[] last = {null};
        try (MetricsLog metrics = MetricsLog.open(run.file("metrics.jsonl"), conf, resumeStep)) {
            ProgressReporter progress = new ProgressReporter(cfg.runId(), ctx.console(), metrics, cfg.engine().logEvery());
            MoeMetricsListener moe = new MoeMetricsListener(metrics, state, cfg.engine().logEvery());
            TrainingListener validate = MoeRunOutput.validateAfterEpoch(spark, cfg.runId(), validation,
                    (params, bias) -> MoeEvaluator.evaluate(spark, validation, factory, params, bias), last,
                    (epoch, s, m) -> {
                        ctx.console().printf(Locale.ROOT, "[%s] epoch %d: %s accuracy %.4f, loss %.4f, "
                                        + "MaxVio_global %.3f%n", cfg.runId(), epoch + 1, cfg.data().validationSplit(),
                                m.accuracy(), m.meanLoss(), m.maxVioGlobal());
                        metrics.write(MoeMetricsListener.validationRecord(m, s.globalState(), s.globalStep(), epoch,
                                cfg.data().validationSplit()));
                    });
            List<ColumnSpec> columns = new ArrayList<>(List.of(ColumnSpec.of(PreparedDataset.FEATURES, numInputs),
                    ColumnSpec.of(PreparedDataset.LABEL, 1)));
            if (weights.column() != null) {
                columns.add(ColumnSpec.of(weights.column(), 1));
            }
            TrainingSpec spec = new TrainingSpec(cfg.runId(), run.path(), train, cfg.data().trainDataset() + "/"
                    + cfg.data().trainSplit(), columns, factory, state, ctx.resume(),
                    TrainingListener.all(progress, moe, validate), null);
            TrainingResult result = new TrainingEngine(spark, cfg.engine(), cfg.optimizer()).train(spec);

            metrics.write(MoeRunOutput.summary(result, cfg.balancing(), last[0]));
            writeModel(run, cfg, numInputs, numClasses, weights, result);
            ctx.console().printf(Locale.ROOT, "[%s] trained %d steps in %.1f s (%.0f samples/s); model saved to %s%n",
                    cfg.runId(), result.state().globalStep(), result.trainSeconds(), result.samplesPerSecond(),
                    run.modelDir());
        }
        Reports.write(run, ctx);
    }

    /** {@code model/moe-model.json}: the config, parameters (evaluation point) and routing biases, written atomically. */
    private static void writeModel(RunDirectory run, TrainMoeConfig cfg, int numInputs, int numClasses,
                                   RecordWeights weights, TrainingResult result) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode model = json.createObjectNode();
        model.put("format", "sparktrain-moe-classifier-1");
        model.put("numInputs", numInputs);
        model.put("numClasses", numClasses);
        model.put("seed", cfg.engine().seed());
        model.put("trainData", cfg.data().trainDataset() + "/" + cfg.data().trainSplit());
        model.put("weights", weights.explanation());
        model.set("model", json.valueToTree(cfg.model()));
        model.set("balancing", json.valueToTree(cfg.balancing()));
        MoeRunOutput.writeModel(run, "model/moe-model.json", model, result);
    }
}

package org.sparktrain.jobs.classifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.EngineState;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingListener;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.RecordWeights;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.MetricsLog;
import org.sparktrain.jobs.ProgressReporter;
import org.sparktrain.jobs.Reports;
import org.sparktrain.jobs.RunDirectory;
import org.sparktrain.zoo.ClassifierModel;
import org.sparktrain.zoo.ClassifierNetworks;
import org.sparktrain.zoo.ImageShape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code sparktrain train-classifier}: trains a model-zoo classifier (LeNet-5 or an MLP) on a prepared image
 * dataset with the distributed engine, evaluates the validation split after every epoch, and writes the model,
 * its card, metrics and the report to the run directory.
 */
public final class TrainClassifierJob implements Job<TrainClassifierConfig> {
    @Override
    public String name() {
        return "train-classifier";
    }

    @Override
    public String description() {
        return "train a LeNet-5 / MLP classifier on a prepared image dataset across Spark workers";
    }

    @Override
    public Class<TrainClassifierConfig> configType() {
        return TrainClassifierConfig.class;
    }

    @Override
    public String runIdKey() {
        return "runId";
    }

    @Override
    public void validate(TrainClassifierConfig cfg, JobContext ctx) {
        Configuration conf = ctx.hadoopConf();
        DatasetManifest manifest = PreparedDataset.readManifest(cfg.data().trainDataset(), conf);
        manifest.requireSplit("data.trainSplit", cfg.data().trainDataset(), cfg.data().trainSplit());
        if (cfg.data().hasValidation()) {
            DatasetManifest full = cfg.data().selection() == null ? manifest
                    : PreparedDataset.readManifest(cfg.data().dataset(), conf);
            full.requireSplit("data.validationSplit", cfg.data().dataset(), cfg.data().validationSplit());
            cfg.data().requireSelectionMatches(manifest, full);
        }
        shapeOf(manifest);
        manifest.requireClasses(cfg.data().dataset(), 2, "a classifier");
        new RunDirectory(cfg.output(), cfg.runId(), conf).checkWritable();
    }

    @Override
    public void run(TrainClassifierConfig cfg, JobContext ctx) {
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        DatasetManifest manifest = PreparedDataset.readManifest(cfg.data().trainDataset(), conf);
        ImageShape shape = shapeOf(manifest);
        int numClasses = manifest.numClasses();
        List<String> classNames = manifest.classNamesOrIndices();

        RunDirectory run = new RunDirectory(cfg.output(), cfg.runId(), conf);
        run.createWithConfig(cfg);
        long resumeStep = run.resumeStep(ctx.resume());
        Dataset<Row> train = PreparedDataset.readSplit(spark, cfg.data().trainDataset(), cfg.data().trainSplit());
        RecordWeights weights = RecordWeights.of(train, manifest, cfg.data().trainDataset(),
                cfg.data().trainSplit(), cfg.data().weights());
        ClassifierFactory factory = new ClassifierFactory(cfg.model(), shape, numClasses, cfg.engine().seed(),
                weights.column(), weights.scale());
        if (weights.column() != null) {
            ctx.console().printf(Locale.ROOT, "[%s] weighted loss: column %s x %.6g (%s)%n", cfg.runId(),
                    weights.column(), weights.scale(), weights.explanation());
        }
        Dataset<Row> validation = cfg.data().hasValidation()
                ? PreparedDataset.readSplit(spark, cfg.data().dataset(), cfg.data().validationSplit()) : null;

        double[] lastValidation = {Double.NaN};
        try (MetricsLog metrics = MetricsLog.open(run.file("metrics.jsonl"), conf, resumeStep)) {
            ProgressReporter progress = new ProgressReporter(cfg.runId(), ctx.console(), metrics, cfg.engine().logEvery());
            TrainingListener validate = new TrainingListener() {
                @Override
                public void onEpochEnd(int epoch, EngineState state) {
                    if (validation == null) {
                        return;
                    }
                    spark.sparkContext().setJobDescription("sparktrain " + cfg.runId() + ": validate epoch " + (epoch + 1));
                    ClassificationMetrics m = ClassifierEvaluator.evaluate(spark, validation, factory, state.evalParams());
                    lastValidation[0] = m.accuracy();
                    ctx.console().printf(Locale.ROOT, "[%s] epoch %d: %s accuracy %.4f, loss %.4f%n", cfg.runId(),
                            epoch + 1, cfg.data().validationSplit(), m.accuracy(), m.meanLoss());
                    ObjectNode r = MetricsLog.record("validation");
                    r.put("step", state.globalStep());
                    r.put("epoch", epoch);
                    r.put("split", cfg.data().validationSplit());
                    r.put("accuracy", m.accuracy());
                    r.put("loss", m.meanLoss());
                    metrics.write(r);
                }
            };
            List<ColumnSpec> columns = new ArrayList<>(List.of(ColumnSpec.of(PreparedDataset.FEATURES, shape.size()),
                    ColumnSpec.of(PreparedDataset.LABEL, 1)));
            if (weights.column() != null) {
                columns.add(ColumnSpec.of(weights.column(), 1));
            }
            TrainingSpec spec = new TrainingSpec(cfg.runId(), run.path(), train, cfg.data().trainDataset() + "/"
                    + cfg.data().trainSplit(), columns, factory, null, ctx.resume(),
                    TrainingListener.all(progress, validate), null);
            TrainingResult result = new TrainingEngine(spark, cfg.engine(), cfg.optimizer()).train(spec);

            ObjectNode summary = MetricsLog.record("summary");
            summary.put("step", result.state().globalStep());
            summary.put("trainSeconds", result.trainSeconds());
            summary.put("samplesPerSecond", result.samplesPerSecond());
            summary.put("validationAccuracy", lastValidation[0]);
            metrics.write(summary);

            MultiLayerNetwork net = ClassifierNetworks.create(cfg.model(), shape, numClasses, cfg.engine().seed());
            // the optimizer's evaluation point (Schedule-Free's x, DoG's average), the live parameters otherwise
            float[] trained = result.evalParams();
            net.setParams(Nd4j.createFromArray(trained).reshape(1, trained.length));
            ClassifierModel model = new ClassifierModel(net, cfg.model(), shape, classNames);
            ObjectNode card = card(cfg, manifest, result, lastValidation[0]);
            ((ObjectNode) card.get("data")).put("weights", weights.explanation());
            ClassifierModelStore.save(model, card, run.modelDir(), conf);
            ctx.console().printf(Locale.ROOT, "[%s] trained %d steps in %.1f s (%.0f samples/s); model saved to %s%n",
                    cfg.runId(), result.state().globalStep(), result.trainSeconds(), result.samplesPerSecond(),
                    run.modelDir());
        }
        Reports.write(run, ctx);
    }

    private static ObjectNode card(TrainClassifierConfig cfg, DatasetManifest manifest, TrainingResult result,
                                   double validationAccuracy) {
        ObjectNode card = ModelCard.create(("lenet5".equals(cfg.model().type()) ? "LeNet-5" : "MLP " + cfg.model().hidden())
                + " image classifier", ClassifierNetworks.citation(cfg.model()));
        ObjectNode data = card.putObject("data");
        data.put("dataset", manifest.name());
        data.put("path", cfg.data().trainDataset());
        data.put("trainSplit", cfg.data().trainSplit());
        data.put("trainRecords", manifest.split(cfg.data().trainSplit()).count());
        data.put("featureShape", manifest.featureShape().toString());
        data.put("numClasses", manifest.numClasses());
        ObjectNode training = card.putObject("training");
        training.put("engine", cfg.engine().sync() + (cfg.engine().usesLocalSgd() ? " (H=" + cfg.engine().localSteps() + ")" : ""));
        training.put("workers", cfg.engine().workers());
        training.put("batchSize", cfg.engine().batchSize());
        training.put("epochs", cfg.engine().epochs());
        training.put("steps", result.state().globalStep());
        training.put("optimizer", cfg.optimizer().type() + " lr=" + cfg.optimizer().learningRate());
        training.put("seed", cfg.engine().seed());
        ObjectNode metrics = card.putObject("metrics");
        metrics.put("validationSplit", cfg.data().validationSplit());
        metrics.put("validationAccuracy", validationAccuracy);
        metrics.put("samplesPerSecond", result.samplesPerSecond());
        return card;
    }

    static ImageShape shapeOf(DatasetManifest manifest) {
        List<Integer> s = manifest.featureShape();
        return switch (s.size()) {
            case 1 -> new ImageShape(1, 1, s.get(0));
            case 2 -> new ImageShape(1, s.get(0), s.get(1));
            case 3 -> new ImageShape(s.get(0), s.get(1), s.get(2));
            default -> throw new BadInputException(manifest.name() + ": unsupported feature shape " + s);
        };
    }
}

package org.sparktrain.jobs.contrastive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.sampling.SensitivitySampling;
import org.sparktrain.engine.Checkpoints;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.MetricsLog;
import org.sparktrain.jobs.ProgressReporter;
import org.sparktrain.jobs.RecordWeights;
import org.sparktrain.jobs.RunDirectory;
import org.sparktrain.zoo.ImageShape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code sparktrain train-contrastive}: self-supervised pre-training of an encoder (MLP, LeNet-style or small ResNet)
 * with a projection head by SimCLR, SogCLR or iSogCLR on a prepared image dataset (labels unused in training), on the
 * distributed engine with per-record state (u_i, τ_i, m_i) beside the shards; then a linear probe on the frozen representation
 * (train split → test split, top-1), the per-class histogram of the learned τ_i, eval.json, the model and the report.
 * Docs: docs/contrastive.md.
 *
 * <p>On a selection written by {@code sparktrain select} ({@code data.selection} next to the full dataset, or the
 * selection as {@code data.dataset}), each anchor's whole contrastive term is weighted by (R/n)·w ({@link RecordWeights},
 * the weight travels to {@link ContrastiveTrainable} as an engine batch column); {@code data.weights: false} trains
 * unweighted on the same records. The linear probe trains on the full dataset's train split when the selection is
 * given next to it, on the selection's own train split when the selection is the dataset (docs/selection.md).
 */
public final class TrainContrastiveJob implements Job<TrainContrastiveConfig> {
    static final int TAU_BINS = 20;

    @Override
    public String name() {
        return "train-contrastive";
    }

    @Override
    public String description() {
        return "self-supervised contrastive pre-training (SimCLR / SogCLR / iSogCLR) with a linear-probe evaluation";
    }

    @Override
    public Class<TrainContrastiveConfig> configType() {
        return TrainContrastiveConfig.class;
    }

    @Override
    public String runIdKey() {
        return "runId";
    }

    @Override
    public void validate(TrainContrastiveConfig cfg, JobContext ctx) {
        Configuration conf = ctx.hadoopConf();
        ContrastiveDataConfig data = cfg.data();
        DatasetManifest manifest = PreparedDataset.readManifest(data.trainDataset(), conf);
        manifest.requireSplit("data.trainSplit", data.trainDataset(), data.trainSplit());
        DatasetManifest full = data.selection() == null ? manifest : PreparedDataset.readManifest(data.dataset(), conf);
        full.requireSplit("data.trainSplit", data.dataset(), data.trainSplit());
        full.requireSplit("data.testSplit", data.dataset(), data.testSplit());
        if (data.selection() != null) {
            data.requireSelectionMatches(manifest, full);
        } else if (manifest.properties().containsKey(SensitivitySampling.POPULATION_SIZE)) {
            try {
                data.requireWholeSelection("data.");
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage() + " (data.dataset " + data.dataset() + " is a selection)");
            }
        }
        shapeOf(manifest);
        full.requireClasses(data.dataset(), 2, "the linear probe");
        new RunDirectory(cfg.output(), cfg.runId(), conf).checkWritable();
    }

    @Override
    public void run(TrainContrastiveConfig cfg, JobContext ctx) {
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        ContrastiveDataConfig data = cfg.data();
        DatasetManifest manifest = PreparedDataset.readManifest(data.trainDataset(), conf);
        ImageShape shape = shapeOf(manifest);
        int numClasses = manifest.numClasses();
        List<String> classNames = manifest.classNamesOrIndices();
        long seed = cfg.engine().seed();

        RunDirectory run = new RunDirectory(cfg.output(), cfg.runId(), conf);
        run.createWithConfig(cfg);
        long resumeStep = run.resumeStep(ctx.resume());
        String trainName = data.trainDataset() + "/" + data.trainSplit();
        Dataset<Row> split = PreparedDataset.readSplit(spark, data.trainDataset(), data.trainSplit());
        RecordWeights weights = RecordWeights.of(split, manifest, data.trainDataset(), data.trainSplit(),
                data.weights());
        Dataset<Row> longTail = LongTailSubset.subset(split, numClasses, data.imbalanceRatio(), data.maxPerClass(),
                seed);
        // drop_last keeps a seeded-hash subset of R' <= R rows; the scale stays R/n: (R/R')·Σ_{R'} w·ℓ estimates Σ_R w·ℓ
        Dataset<Row> train = LongTailSubset.wholeBatches(longTail, cfg.engine().batchSize(), seed, trainName)
                .cache();
        long[] classCounts = LongTailSubset.classCounts(train, numClasses);
        Dataset<Row> test = PreparedDataset.readSplit(spark, data.dataset(), data.testSplit());
        String fullTrainName = data.dataset() + "/" + data.trainSplit();
        boolean probeOnFull = cfg.probe().mainOnFullSplit(data.selection() != null);
        Dataset<Row> fullTrain = probeOnFull || cfg.probe().alsoFullSplit()
                ? PreparedDataset.readSplit(spark, data.dataset(), data.trainSplit()) : null;
        Dataset<Row> probeTrain = probeOnFull ? fullTrain : train;
        ctx.console().printf(Locale.ROOT, "[%s] %s on %d training records, per class %s%n", cfg.runId(), cfg.method(),
                java.util.Arrays.stream(classCounts).sum(), java.util.Arrays.toString(classCounts));
        if (weights.column() != null) {
            ctx.console().printf(Locale.ROOT, "[%s] weighted loss: column %s x %.6g (%s)%n", cfg.runId(),
                    weights.column(), weights.scale(), weights.explanation());
        } else if (manifest.properties().containsKey(SensitivitySampling.POPULATION_SIZE)) {
            ctx.console().printf(Locale.ROOT, "[%s] %s%n", cfg.runId(), weights.explanation());
        }

        ContrastiveFactory factory = new ContrastiveFactory(cfg.method(), shape, cfg.model(), cfg.augmentation(),
                cfg.loss(), seed, weights.column(), weights.scale());
        List<ColumnSpec> columns = new ArrayList<>(List.of(ColumnSpec.of(PreparedDataset.FEATURES, shape.size())));
        if (weights.column() != null) {
            columns.add(ColumnSpec.of(weights.column(), 1));
        }
        ContrastiveState state = factory.algorithmState();
        try (MetricsLog metrics = MetricsLog.open(run.file("metrics.jsonl"), conf, resumeStep)) {
            ProgressReporter progress = new ProgressReporter(cfg.runId(), ctx.console(), metrics,
                    cfg.engine().logEvery());
            TrainingSpec spec = new TrainingSpec(cfg.runId(), run.path(), train, trainName, columns, factory, state,
                    ctx.resume(), progress, null);
            TrainingResult result = new TrainingEngine(spark, cfg.engine(), cfg.optimizer()).train(spec);
            float[] params = result.evalParams();

            LinearProbe.Result probe = probe(ctx, spark, cfg, probeTrain, probeOnFull ? "all of " + fullTrainName
                    : "the pre-training records of " + trainName, test, factory, params, numClasses);
            LinearProbe.Result fullProbe = cfg.probe().alsoFullSplit() ? probe(ctx, spark, cfg, fullTrain,
                    "all of " + fullTrainName, test, factory, params, numClasses) : null;
            TemperatureStatistics temperatures = state.global()
                    ? temperatures(spark, run, train, numClasses, classNames, cfg.loss()) : null;

            ObjectNode eval = evalJson(cfg, classNames, classCounts, probe, temperatures);
            eval.put("trainData", trainName);
            eval.put("weights", weights.explanation());
            eval.put("probeTrainData", probeOnFull ? fullTrainName : trainName);
            eval.put("probeTrainCount", probe.trainCount());
            if (fullProbe != null) {
                eval.set("fullTrainProbe", probeJson(fullProbe, fullTrainName));
            }
            ObjectNode summary = MetricsLog.record("summary");
            summary.put("step", result.state().globalStep());
            summary.put("trainSeconds", result.trainSeconds());
            summary.put("samplesPerSecond", result.samplesPerSecond());
            summary.put("probeAccuracy", probe.testAccuracy());
            if (fullProbe != null) {
                summary.put("fullTrainProbeAccuracy", fullProbe.testAccuracy());
            }
            metrics.write(summary);
            ObjectMapper json = new ObjectMapper();
            try {
                run.writeText("eval.json", json.writerWithDefaultPrettyPrinter().writeValueAsString(eval));
                run.writeText("model/contrastive-encoder.json", json.writeValueAsString(model(cfg, shape, params,
                        trainName, weights)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot serialise eval.json / the model", e);
            }
            ctx.console().printf(Locale.ROOT, "[%s] trained %d steps in %.1f s (%.0f samples/s)%n", cfg.runId(),
                    result.state().globalStep(), result.trainSeconds(), result.samplesPerSecond());
        } finally {
            train.unpersist();
        }
        writeReport(run, ctx);
    }

    /** The run report with the temperature section; a report failure is logged, never fatal (as in org.sparktrain.jobs.Reports). */
    private static void writeReport(RunDirectory run, JobContext ctx) {
        try {
            String html = org.sparktrain.report.RunReport.write(run.path(), run.conf(),
                    List.of(new TemperatureSection()));
            ctx.console().println("[" + run.runId() + "] report: " + html);
        } catch (RuntimeException | LinkageError e) {
            org.slf4j.LoggerFactory.getLogger(TrainContrastiveJob.class).warn("could not write the report of {}: {}",
                    run.path(), e.toString());
        }
    }

    /** τ_i of the final checkpoint's per-record state, grouped by the records' class. */
    static TemperatureStatistics temperatures(SparkSession spark, RunDirectory run, Dataset<Row> train,
                                              int numClasses, List<String> classNames, ContrastiveLossConfig loss) {
        Path latest = new Checkpoints(run.path(), run.conf()).latest()
                .orElseThrow(() -> new IllegalStateException(run.path() + ": no checkpoint after training"));
        Dataset<Row> states = spark.read().parquet(new Path(latest, "record-state").toString());
        List<Row> rows = states.join(train.select(PreparedDataset.ID, PreparedDataset.LABEL), PreparedDataset.ID)
                .select(functions.col(PreparedDataset.LABEL),
                        functions.element_at(functions.col("state"), ContrastiveState.TAU + 1))
                .collectAsList();
        List<List<Double>> byClass = new ArrayList<>();
        for (int k = 0; k < numClasses; k++) {
            byClass.add(new ArrayList<>());
        }
        for (Row r : rows) {
            byClass.get(r.getInt(0)).add((double) r.getFloat(1));
        }
        double[][] taus = new double[numClasses][];
        for (int k = 0; k < numClasses; k++) {
            taus[k] = byClass.get(k).stream().mapToDouble(Double::doubleValue).toArray();
        }
        return new TemperatureStatistics(taus, classNames, loss.tauMin(), loss.tauMax(), TAU_BINS);
    }

    /**
     * eval.json: the probe in the classifier layout (split, count, accuracy, perClassAccuracy, confusionMatrix,
     * classNames; the report shows it), plus trainAccuracy, the method, class sizes and the temperatures.
     */
    static ObjectNode evalJson(TrainContrastiveConfig cfg, List<String> classNames, long[] classCounts,
                               LinearProbe.Result probe, TemperatureStatistics temperatures) {
        ObjectNode e = new ObjectMapper().createObjectNode();
        e.put("split", cfg.data().testSplit());
        e.put("method", cfg.method());
        e.put("evaluation", "linear probe on frozen features (projection head removed)");
        e.put("count", probe.testCount());
        e.put("accuracy", probe.testAccuracy());
        e.put("trainAccuracy", probe.trainAccuracy());
        e.put("imbalanceRatio", cfg.data().imbalanceRatio());
        e.put("maxPerClass", cfg.data().maxPerClass());
        if (temperatures != null) {
            double s = temperatures.spearmanMeanTauVsClassSize();
            if (!Double.isNaN(s)) {
                e.put("spearmanMeanTauVsClassSize", s);
            }
        }
        ArrayNode per = e.putArray("perClassAccuracy");
        for (double a : probe.perClassAccuracy()) {
            per.add(a);
        }
        ArrayNode cm = e.putArray("confusionMatrix");
        for (long[] row : probe.confusion()) {
            ArrayNode r = cm.addArray();
            for (long v : row) {
                r.add(v);
            }
        }
        ArrayNode names = e.putArray("classNames");
        classNames.forEach(names::add);
        ArrayNode counts = e.putArray("trainClassCounts");
        for (long c : classCounts) {
            counts.add(c);
        }
        if (temperatures != null) {
            e.set("temperatures", temperatures.toJson());
        }
        return e;
    }

    /**
     * Fits one linear probe on the frozen encoder ({@link LinearProbe}) and prints its line; {@code trainedOn} says
     * which records it was fitted on (the console used to print the split's path for the long-tailed subset too).
     */
    private static LinearProbe.Result probe(JobContext ctx, SparkSession spark, TrainContrastiveConfig cfg,
                                            Dataset<Row> probeTrain, String trainedOn, Dataset<Row> test,
                                            ContrastiveFactory factory, float[] params, int numClasses) {
        spark.sparkContext().setJobDescription("sparktrain " + cfg.runId() + ": linear probe on " + trainedOn);
        LinearProbe.Result result = LinearProbe.run(spark, probeTrain, test, factory, params, numClasses, cfg.probe());
        ctx.console().printf(Locale.ROOT, "[%s] linear probe (fitted on %d records, %s): %s top-1 %.4f (train %.4f)%n",
                cfg.runId(), result.trainCount(), trainedOn, cfg.data().testSplit(), result.testAccuracy(),
                result.trainAccuracy());
        return result;
    }

    /** A second probe's result: its training data, top-1 on the test split, train accuracy and per-class accuracy. */
    static ObjectNode probeJson(LinearProbe.Result probe, String probeTrainData) {
        ObjectNode p = new ObjectMapper().createObjectNode();
        p.put("probeTrainData", probeTrainData);
        p.put("probeTrainCount", probe.trainCount());
        p.put("accuracy", probe.testAccuracy());
        p.put("trainAccuracy", probe.trainAccuracy());
        ArrayNode per = p.putArray("perClassAccuracy");
        for (double a : probe.perClassAccuracy()) {
            per.add(a);
        }
        return p;
    }

    private static ObjectNode model(TrainContrastiveConfig cfg, ImageShape shape, float[] params, String trainData,
                                    RecordWeights weights) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("format", "sparktrain-contrastive-" + cfg.model().encoder() + "-1");
        m.put("citation", cfg.model().citation());
        m.put("method", cfg.method());
        m.put("trainData", trainData);
        m.put("weights", weights.explanation());
        m.put("inputShape", shape.toString());
        m.put("seed", cfg.engine().seed());
        m.set("model", json.valueToTree(cfg.model()));
        ArrayNode p = m.putArray("params");
        for (float v : params) {
            p.add(v);
        }
        return m;
    }

    static ImageShape shapeOf(DatasetManifest manifest) {
        List<Integer> s = manifest.featureShape();
        return switch (s.size()) {
            case 2 -> new ImageShape(1, s.get(0), s.get(1));
            case 3 -> new ImageShape(s.get(0), s.get(1), s.get(2));
            default -> throw new BadInputException(manifest.name() + ": train-contrastive needs images (feature shape "
                    + "H x W or C x H x W), got " + s);
        };
    }
}

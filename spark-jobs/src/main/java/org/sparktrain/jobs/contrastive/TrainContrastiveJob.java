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
        DatasetManifest manifest = PreparedDataset.readManifest(cfg.data().dataset(), conf);
        manifest.requireSplit("data.trainSplit", cfg.data().dataset(), cfg.data().trainSplit());
        manifest.requireSplit("data.testSplit", cfg.data().dataset(), cfg.data().testSplit());
        if (manifest.properties().containsKey(SensitivitySampling.POPULATION_SIZE)) {
            throw new BadInputException("data.dataset: " + cfg.data().dataset() + " is a selection (manifest property "
                    + SensitivitySampling.POPULATION_SIZE + "); " + ContrastiveDataConfig.NO_SELECTION);
        }
        shapeOf(manifest);
        manifest.requireClasses(cfg.data().dataset(), 2, "the linear probe");
        new RunDirectory(cfg.output(), cfg.runId(), conf).checkWritable();
    }

    @Override
    public void run(TrainContrastiveConfig cfg, JobContext ctx) {
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        DatasetManifest manifest = PreparedDataset.readManifest(cfg.data().dataset(), conf);
        ImageShape shape = shapeOf(manifest);
        int numClasses = manifest.numClasses();
        List<String> classNames = manifest.classNamesOrIndices();
        long seed = cfg.engine().seed();

        RunDirectory run = new RunDirectory(cfg.output(), cfg.runId(), conf);
        run.createWithConfig(cfg);
        long resumeStep = run.resumeStep(ctx.resume());
        String trainName = cfg.data().dataset() + "/" + cfg.data().trainSplit();
        Dataset<Row> split = PreparedDataset.readSplit(spark, cfg.data().dataset(), cfg.data().trainSplit());
        Dataset<Row> longTail = LongTailSubset.subset(split, numClasses, cfg.data().imbalanceRatio(),
                cfg.data().maxPerClass(), seed);
        Dataset<Row> train = LongTailSubset.wholeBatches(longTail, cfg.engine().batchSize(), seed, trainName)
                .cache();
        long[] classCounts = LongTailSubset.classCounts(train, numClasses);
        Dataset<Row> test = PreparedDataset.readSplit(spark, cfg.data().dataset(), cfg.data().testSplit());
        ctx.console().printf(Locale.ROOT, "[%s] %s on %d training records, per class %s%n", cfg.runId(), cfg.method(),
                java.util.Arrays.stream(classCounts).sum(), java.util.Arrays.toString(classCounts));

        ContrastiveFactory factory = new ContrastiveFactory(cfg.method(), shape, cfg.model(), cfg.augmentation(),
                cfg.loss(), seed);
        ContrastiveState state = factory.algorithmState();
        try (MetricsLog metrics = MetricsLog.open(run.file("metrics.jsonl"), conf, resumeStep)) {
            ProgressReporter progress = new ProgressReporter(cfg.runId(), ctx.console(), metrics,
                    cfg.engine().logEvery());
            TrainingSpec spec = new TrainingSpec(cfg.runId(), run.path(), train, trainName,
                    List.of(ColumnSpec.of(PreparedDataset.FEATURES, shape.size())), factory, state, ctx.resume(),
                    progress, null);
            TrainingResult result = new TrainingEngine(spark, cfg.engine(), cfg.optimizer()).train(spec);
            float[] params = result.evalParams();

            spark.sparkContext().setJobDescription("sparktrain " + cfg.runId() + ": linear probe");
            LinearProbe.Result probe = LinearProbe.run(spark, train, test, factory, params, numClasses, cfg.probe());
            ctx.console().printf(Locale.ROOT, "[%s] linear probe: %s top-1 %.4f (train %.4f)%n", cfg.runId(),
                    cfg.data().testSplit(), probe.testAccuracy(), probe.trainAccuracy());
            TemperatureStatistics temperatures = state.global()
                    ? temperatures(spark, run, train, numClasses, classNames, cfg.loss()) : null;

            ObjectNode eval = evalJson(cfg, classNames, classCounts, probe, temperatures);
            ObjectNode summary = MetricsLog.record("summary");
            summary.put("step", result.state().globalStep());
            summary.put("trainSeconds", result.trainSeconds());
            summary.put("samplesPerSecond", result.samplesPerSecond());
            summary.put("probeAccuracy", probe.testAccuracy());
            metrics.write(summary);
            ObjectMapper json = new ObjectMapper();
            try {
                run.writeText("eval.json", json.writerWithDefaultPrettyPrinter().writeValueAsString(eval));
                run.writeText("model/contrastive-encoder.json", json.writeValueAsString(model(cfg, shape, params)));
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

    private static ObjectNode model(TrainContrastiveConfig cfg, ImageShape shape, float[] params) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("format", "sparktrain-contrastive-" + cfg.model().encoder() + "-1");
        m.put("citation", cfg.model().citation());
        m.put("method", cfg.method());
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

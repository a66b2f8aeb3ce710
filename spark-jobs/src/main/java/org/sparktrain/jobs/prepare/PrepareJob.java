package org.sparktrain.jobs.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.Preparation;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.idx.IdxDatasetFiles;
import org.sparktrain.data.idx.ImagePreparation;
import org.sparktrain.data.mnist.FashionMnistLocator;
import org.sparktrain.data.mnist.MnistDownloader;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code sparktrain prepare}: reads raw data and writes a prepared dataset atomically (a failure leaves no output).
 * MNIST / Fashion-MNIST / IDX images go through {@link ImagePreparation}; every other source (CIFAR batches, image
 * folders, MS MARCO / BEIR / Cranfield / plain text, CSV / LibSVM / FANN tables) through its data-prep
 * {@link Preparation} ({@link Preparations}), with bad records failing or, up to {@code maxSkipped}, skipped and
 * counted in the manifest. Feature datasets get {@code train/} and {@code test/} Parquet with id, features, label;
 * text datasets corpus/queries/qrels/triples tables; both a {@code manifest.json} with counts and source checksums.
 * If the output already holds a dataset prepared from the same source files (same SHA-256) with the same settings,
 * nothing is done unless {@code force} is set (image folders are always prepared again).
 */
public final class PrepareJob implements Job<PrepareConfig> {
    @Override
    public String name() {
        return "prepare";
    }

    @Override
    public String description() {
        return "prepare images (MNIST, IDX, CIFAR, image folders), text (MS MARCO, BEIR, Cranfield, corpora) or tables "
                + "(CSV, LibSVM, FANN) as a Parquet dataset with a manifest";
    }

    @Override
    public Class<PrepareConfig> configType() {
        return PrepareConfig.class;
    }

    @Override
    public void validate(PrepareConfig cfg, JobContext ctx) {
        Configuration conf = ctx.hadoopConf();
        if (!PrepareConfig.IDX_SOURCES.contains(cfg.source())) {
            Preparations.of(cfg).inputs(conf); // fails naming the missing files
        } else if (!"mnist".equals(cfg.source())) {
            files(cfg, conf); // fails naming the directory and the missing files
        }
        AtomicOutput.checkWritable(cfg.output(), conf);
    }

    @Override
    public void run(PrepareConfig cfg, JobContext ctx) {
        prepare(cfg, ctx);
    }

    /** Prepares (or reuses) the dataset and returns its manifest. */
    public DatasetManifest prepare(PrepareConfig cfg, JobContext ctx) {
        Configuration conf = ctx.hadoopConf();
        AtomicOutput.begin(cfg.output(), conf).close(); // unwritable output fails before any download
        if (!PrepareConfig.IDX_SOURCES.contains(cfg.source())) {
            return prepareWith(Preparations.of(cfg), cfg, ctx);
        }
        IdxDatasetFiles files = files(cfg, conf);
        if (!cfg.force()) {
            DatasetManifest existing = existing(cfg.output(), conf);
            if (existing != null && sameSources(existing, files, conf)) {
                ctx.console().printf(Locale.ROOT, "[prepare] %s is already prepared from the same files (%s); "
                        + "use --set force=true to prepare again%n", cfg.output(), summary(existing));
                return existing;
            }
        }
        SparkSession spark = ctx.spark(cfg.spark());
        spark.sparkContext().setJobDescription("sparktrain prepare " + files.name());
        long t0 = System.nanoTime();
        DatasetManifest manifest = ImagePreparation.prepare(spark, cfg.output(), files);
        ctx.console().printf(Locale.ROOT, "[prepare] %s -> %s in %.1f s: %s%n", files.name(), cfg.output(),
                (System.nanoTime() - t0) / 1e9, summary(manifest));
        return manifest;
    }

    private DatasetManifest prepareWith(Preparation preparation, PrepareConfig cfg, JobContext ctx) {
        Configuration conf = ctx.hadoopConf();
        List<Path> inputs = preparation.inputs(conf);
        if (!cfg.force() && !inputs.isEmpty()) {
            DatasetManifest existing = existing(cfg.output(), conf);
            if (existing != null && sameSources(existing, inputs, conf)
                    && sameSettings(existing, preparation.settings())) {
                ctx.console().printf(Locale.ROOT, "[prepare] %s is already prepared from the same files (%s); "
                        + "use --set force=true to prepare again%n", cfg.output(), summary(existing));
                return existing;
            }
        }
        SparkSession spark = ctx.spark(cfg.spark());
        spark.sparkContext().setJobDescription("sparktrain prepare " + preparation.name());
        long t0 = System.nanoTime();
        DatasetManifest manifest = preparation.prepare(spark, cfg.output());
        ctx.console().printf(Locale.ROOT, "[prepare] %s %s -> %s in %.1f s: %s%n", cfg.source(),
                Preparations.inputName(cfg), cfg.output(), (System.nanoTime() - t0) / 1e9, summary(manifest));
        return manifest;
    }

    static IdxDatasetFiles files(PrepareConfig cfg, Configuration conf) {
        return switch (cfg.source()) {
            case "mnist" -> (cfg.cacheDir() == null ? new MnistDownloader()
                    : new MnistDownloader(java.nio.file.Path.of(cfg.cacheDir()))).fetch();
            case "fashion-mnist" -> cfg.dir() == null ? FashionMnistLocator.locate()
                    : FashionMnistLocator.locate(cfg.dir(), conf);
            case "idx" -> IdxDatasetFiles.inDirectory(cfg.name() != null ? cfg.name() : new Path(cfg.dir()).getName(),
                    new Path(cfg.dir()), conf, cfg.classNames(), "Set dir to a folder holding the four IDX files.");
            default -> throw new IllegalStateException(cfg.source());
        };
    }

    private static DatasetManifest existing(String output, Configuration conf) {
        try {
            Path manifest = new Path(output, PreparedDataset.MANIFEST);
            FileSystem fs = manifest.getFileSystem(conf);
            return fs.exists(manifest) ? PreparedDataset.readManifest(output, conf) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean sameSources(DatasetManifest existing, IdxDatasetFiles files, Configuration conf) {
        return sameSources(existing, files.files(), conf);
    }

    /** Whether every setting of this preparation has the same value in the existing manifest's properties. */
    private static boolean sameSettings(DatasetManifest existing, Map<String, String> settings) {
        return settings.entrySet().stream().allMatch(e -> e.getValue().equals(existing.properties().get(e.getKey())));
    }

    private static boolean sameSources(DatasetManifest existing, List<Path> files, Configuration conf) {
        List<DatasetManifest.Source> now = files.stream().map(f -> DatasetManifest.Source.of(f, conf)).toList();
        Map<String, String> before = existing.sources().stream()
                .collect(Collectors.toMap(DatasetManifest.Source::sha256, DatasetManifest.Source::path, (a, b) -> a));
        return existing.sources().size() == now.size() && now.stream().allMatch(s -> before.containsKey(s.sha256()));
    }

    private static String summary(DatasetManifest m) {
        String skipped = m.skipped() > 0 ? ", skipped " + m.skipped() + " bad records "
                + (m.skipReport() != null ? m.skipReport().byReason() : "") : "";
        if (m.splits().isEmpty()) { // a text dataset: row count per table
            return m.name() + " (" + m.kind() + "), " + m.tables().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + skipped;
        }
        String classes = m.numClasses() > 0 ? m.numClasses() + " classes, " : "";
        return m.name() + " " + m.featureShape() + ", " + classes
                + m.splits().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().count())
                .collect(Collectors.joining(", ")) + skipped;
    }
}

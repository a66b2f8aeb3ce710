package org.sparktrain.jobs.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.DatasetManifest;
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
 * {@code sparktrain prepare}: reads MNIST / Fashion-MNIST / any IDX image data and writes a prepared dataset
 * ({@code train/} and {@code test/} Parquet with id, features, label, plus {@code manifest.json} with counts, class
 * histograms and source checksums), atomically. If the output already holds a dataset prepared from the same source
 * files (same SHA-256), nothing is done unless {@code force} is set.
 */
public final class PrepareJob implements Job<PrepareConfig> {
    @Override
    public String name() {
        return "prepare";
    }

    @Override
    public String description() {
        return "prepare MNIST / Fashion-MNIST / IDX images as a Parquet dataset with a manifest";
    }

    @Override
    public Class<PrepareConfig> configType() {
        return PrepareConfig.class;
    }

    @Override
    public void validate(PrepareConfig cfg, JobContext ctx) {
        Configuration conf = ctx.hadoopConf();
        if (!"mnist".equals(cfg.source())) {
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
        List<DatasetManifest.Source> now = files.files().stream().map(f -> DatasetManifest.Source.of(f, conf)).toList();
        Map<String, String> before = existing.sources().stream()
                .collect(Collectors.toMap(DatasetManifest.Source::sha256, DatasetManifest.Source::path, (a, b) -> a));
        return existing.sources().size() == now.size() && now.stream().allMatch(s -> before.containsKey(s.sha256()));
    }

    private static String summary(DatasetManifest m) {
        return m.name() + " " + m.featureShape() + ", " + m.numClasses() + " classes, "
                + m.splits().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().count())
                .collect(Collectors.joining(", "));
    }
}

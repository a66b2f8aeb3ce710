package org.sparktrain.jobs.select;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.sampling.SelectionResult;
import org.sparktrain.data.sampling.SelectionSettings;
import org.sparktrain.data.sampling.SensitivitySampling;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;

import java.util.Locale;

/**
 * {@code sparktrain select}: clustering-based sensitivity sampling (data-prep's {@link SensitivitySampling}) of a
 * prepared dataset's train split, optionally with a trained classifier ({@link ClassifierSelectionModel}) for the
 * loss at the cluster representatives and for the embedding. The output is a prepared dataset whose train split
 * holds the selected records with a {@code weight} column; {@code train-classifier} trains on it with the weighted
 * loss (give it as {@code data.dataset} or as {@code data.selection}). On a text-retrieval dataset the records are
 * the training queries ({@link TextQuerySelection}); {@code train-biencoder} trains on the selection with
 * {@code data.selection}.
 */
public final class SelectJob implements Job<SelectConfig> {
    @Override
    public String name() {
        return "select";
    }

    @Override
    public String description() {
        return "select a weighted subset of a prepared dataset by clustering-based sensitivity sampling (baselines: "
                + "uniform, margin, k-center greedy, leverage scores)";
    }

    @Override
    public Class<SelectConfig> configType() {
        return SelectConfig.class;
    }

    @Override
    public String runIdKey() {
        return "runId";
    }

    @Override
    public void validate(SelectConfig cfg, JobContext ctx) {
        Configuration conf = ctx.hadoopConf();
        var manifest = PreparedDataset.readManifest(cfg.data().dataset(), conf);
        if (DatasetManifest.TEXT_RETRIEVAL.equals(manifest.kind())) {
            TextQuerySelection.validate(cfg);
            if (cfg.model() != null) {
                TextQuerySelection.modelDir(cfg.model());
            }
            AtomicOutput.checkWritable(cfg.output(), conf);
            return;
        }
        if (!manifest.splits().containsKey(PreparedDataset.TRAIN)) {
            throw new BadInputException("data.dataset: prepared dataset " + cfg.data().dataset()
                    + " has no train split (it has " + manifest.splits().keySet() + ")");
        }
        try {
            cfg.selection().embeddingFor(cfg.model() != null);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("selection." + e.getMessage(), e);
        }
        if (cfg.selection().lambdaQuantile() != null && cfg.model() == null
                && SelectionSettings.SENSITIVITY.equals(cfg.selection().method())) {
            throw new BadInputException("selection.lambdaQuantile: calibrating λ needs a model (set model to a run "
                    + "directory) or a fixed selection.lambda");
        }
        if (SelectionSettings.MARGIN.equals(cfg.selection().method()) && cfg.model() == null) {
            throw new BadInputException("selection.method: margin sampling ranks records by the classification margin "
                    + "of a trained model (set model to the run directory of a train-classifier run)");
        }
        long n = manifest.split(PreparedDataset.TRAIN).count();
        if (cfg.selection().k() != null && cfg.selection().k() > n) {
            throw new BadInputException("selection.k: " + cfg.selection().k() + " clusters for only " + n
                    + " records (k must be <= n) in " + cfg.data().dataset() + "/train");
        }
        AtomicOutput.checkWritable(cfg.output(), conf);
    }

    @Override
    public void run(SelectConfig cfg, JobContext ctx) {
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        boolean text = DatasetManifest.TEXT_RETRIEVAL.equals(PreparedDataset.readManifest(cfg.data().dataset(), conf)
                .kind());
        spark.sparkContext().setJobDescription("sparktrain " + cfg.runId() + ": select " + cfg.selection().method());
        SelectionResult r;
        if (text) {
            r = TextQuerySelection.select(spark, cfg);
        } else {
            ClassifierSelectionModel model = cfg.model() == null ? null
                    : ClassifierSelectionModel.load(cfg.model(), conf);
            r = SensitivitySampling.select(spark, cfg.data().dataset(), cfg.output(), cfg.selection(), model);
        }
        ctx.console().printf(Locale.ROOT, "[%s] %s selection of %s: m = %d draws, %d distinct of n = %d records "
                        + "(k = %d, λ = %.4g, z = %.3g, embedding %s, seed %d) in %.1f s -> %s%n", cfg.runId(),
                r.method(), r.source(), r.m(), r.rows(), r.populationSize(), r.k(), r.lambda(), r.z(), r.embedding(),
                r.seed(), r.seconds(), cfg.output());
        ctx.console().printf(Locale.ROOT, "[%s] weights 1/(m·p): min %.4g, max %.4g, sum %.6g (expected n = %d)%n",
                cfg.runId(), r.weightMin(), r.weightMax(), r.weightSum(), r.populationSize());
    }
}

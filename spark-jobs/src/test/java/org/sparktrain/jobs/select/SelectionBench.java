package org.sparktrain.jobs.select;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.api.Sparktrain;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.sampling.InverseCdfSampler;
import org.sparktrain.data.sampling.SelectionSettings;
import org.sparktrain.data.sampling.SensitivityScores;
import org.sparktrain.testing.SharedSpark;
import scala.Tuple2;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a unit test; runs only with {@code SPARKTRAIN_BENCH=1}, see docs/benchmarks-selection.md), MLP
 * [128] throughout. Protocol after the spec's active-learning reproduction: a pilot model is trained on a uniform
 * sample of 0.2·m draws; its loss and penultimate layer drive the selection.
 * <ol>
 *   <li>Estimator quality on MNIST with the pilot model fixed: RMSE of the weighted mean loss of a sample of m draws
 *   (1% and 5%) against the full-data mean loss, sensitivity settings vs uniform sampling: exact (from the
 *   variance (1/m)·((1/n²)·Σ ℓ²/p − L̄²) of i.i.d. draws) and over 50 and 500 seeds.</li>
 *   <li>Training on a 10% subset of Fashion-MNIST: sensitivity (weighted and unweighted) vs uniform, 3 selection
 *   seeds each, vs the full training set; then the same subsets trained for 15 epochs.</li>
 * </ol>
 * Each step appends to {@code $SPARKTRAIN_BENCH_DIR/report.txt}; prepared data and pilot runs already in the
 * directory are reused.
 */
@ExtendWith(SharedSpark.class)
@EnabledIfEnvironmentVariable(named = "SPARKTRAIN_BENCH", matches = "1")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SelectionBench {
    private static final String OUT = System.getenv().getOrDefault("SPARKTRAIN_BENCH_DIR", "target/selection-bench");
    private static final int K = 100;
    private static final int EPOCHS = 3;

    private static void report(String line) throws Exception {
        System.out.println("SELECTION BENCH " + line);
        Files.createDirectories(Path.of(OUT));
        Files.writeString(Path.of(OUT, "report.txt"), line + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static double train(SparkSession spark, String runId, String data, String selection, int epochs,
                                long seed, List<String> extra) throws Exception {
        Path card = Path.of(OUT, "runs", runId, "model", "model-card.json");
        if (!Files.exists(card)) {
            List<String> sets = new ArrayList<>(List.of("output=" + OUT + "/runs", "data.dataset=" + data,
                    "model.type=mlp", "model.hidden=[128]", "engine.workers=2", "engine.epochs=" + epochs,
                    "engine.batchSize=64", "engine.logEvery=1000", "engine.seed=" + seed));
            if (selection != null) {
                sets.add("data.selection=" + selection);
            }
            sets.addAll(extra);
            long t0 = System.nanoTime();
            Sparktrain.run(spark, "train-classifier", "runId: " + runId + "\n", sets.toArray(String[]::new));
            report(String.format(Locale.ROOT, "  (trained %s in %.0f s)", runId, (System.nanoTime() - t0) / 1e9));
        }
        return new ObjectMapper().readTree(card.toFile()).at("/metrics/validationAccuracy").asDouble();
    }

    private static void select(SparkSession spark, String out, String data, String model, String method, long m,
                               long seed, List<String> extra) throws Exception {
        if (Files.exists(Path.of(out, "manifest.json"))) {
            return;
        }
        List<String> sets = new ArrayList<>(List.of("data.dataset=" + data, "output=" + out,
                "selection.method=" + method, "selection.m=" + m, "selection.seed=" + seed, "selection.k=" + K));
        sets.addAll(extra);
        if (model != null) {
            sets.add("model=" + model);
        }
        long t0 = System.nanoTime();
        Sparktrain.run(spark, "select", "runId: bench\n", sets.toArray(String[]::new));
        report(String.format(Locale.ROOT, "  (selected %s in %.0f s)", out, (System.nanoTime() - t0) / 1e9));
    }

    /** Prepared dataset and pilot run (uniform 0.2·m draws, seed 100) for a source. */
    private static String[] prepareAndPilot(SparkSession spark, String source, long m) throws Exception {
        String data = OUT + "/" + source;
        if (!Files.exists(Path.of(data, "manifest.json"))) {
            Sparktrain.run(spark, "prepare", "source: " + source + "\noutput: " + data + "\n");
        }
        select(spark, OUT + "/" + source + "-pilot-sample", data, null, "uniform", m / 5, 100, List.of());
        double acc = train(spark, source + "-pilot", data, OUT + "/" + source + "-pilot-sample", EPOCHS, 42,
                List.of());
        report(String.format(Locale.ROOT, "%s pilot model (uniform %d draws, %d epochs): test accuracy %.4f", source,
                m / 5, EPOCHS, acc));
        return new String[]{data, OUT + "/runs/" + source + "-pilot"};
    }

    /** A named sensitivity setting of the estimator benchmark. */
    private record Variant(String name, Boolean labelAware, Double lambda, Double lambdaQuantile, Double uniformMix) {
        SelectionSettings settings(long m) {
            return new SelectionSettings("sensitivity", K, m, null, lambda, null, null, null, null, null, null,
                    labelAware, lambdaQuantile, null, uniformMix);
        }
    }

    @Test
    @Order(1)
    void mnistEstimatorQuality(SparkSession spark) throws Exception {
        long start = System.nanoTime();
        long n = 60000;
        String[] dp = prepareAndPilot(spark, "mnist", n / 10);
        String data = dp[0];
        ClassifierSelectionModel model = ClassifierSelectionModel.load(dp[1], spark.sparkContext()
                .hadoopConfiguration());
        Dataset<Row> records = PreparedDataset.readSplit(spark, data, "train");
        double[] loss = new double[(int) n];
        records.select("id", "features", "label").javaRDD().mapPartitions(it -> losses(it, model)).collect()
                .forEach(t -> loss[(int) (long) t._1()] = t._2());
        double full = 0;
        for (double l : loss) {
            full += l;
        }
        full /= n;
        report(String.format(Locale.ROOT, "MNIST full-data mean loss of the pilot model: %.5f", full));
        double[] ones = new double[(int) n];
        java.util.Arrays.fill(ones, 1.0);
        List<Variant> variants = List.of(
                new Variant("defaults (only m and k = 100 set, a model given: label-aware, lambda calibrated q=0.9)",
                        null, null, null, null),
                new Variant("spec as written: label-blind, lambda 1", false, 1.0, null, 0.0),
                new Variant("label-aware, lambda 1", true, 1.0, null, 0.0),
                new Variant("label-aware, lambda calibrated q=0.9", true, 1.0, 0.9, 0.0),
                new Variant("label-aware, lambda calibrated q=0.9, uniformMix 0.5", true, 1.0, 0.9, 0.5));
        for (Variant v : variants) {
            long t0 = System.nanoTime();
            SelectionSettings settings = v.settings(n / 100);
            SensitivityScores scores = SensitivityScores.compute(records, K, settings, settings.embeddingFor(true), 784,
                    10, model);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double[] mass = new double[(int) n];
            scores.scored().collect().forEach(r -> mass[(int) r.id()] = r.mass());
            scores.release();
            double total = 0;
            for (double x : mass) {
                total += x;
            }
            double exact = Math.sqrt(secondMoment(mass, total, loss) - full * full)
                    / Math.sqrt(secondMoment(ones, n, loss) - full * full);
            report(String.format(Locale.ROOT, "%s (k = %d, z = 2, unit-norm pilot embeddings, lambda used %.4g, "
                    + "scores in %.0f s): exact RMSE ratio to uniform (any m) %.3f", v.name(), K, scores.lambda(),
                    seconds, exact));
            for (long draws : new long[]{n / 100, n / 20}) {
                for (int seeds : new int[]{50, 500}) {
                    double sens = rmse(mass, total, loss, full, draws, seeds);
                    double uni = rmse(ones, n, loss, full, draws, seeds);
                    report(String.format(Locale.ROOT, "  m = %d, %d seeds: RMSE sensitivity %.5f, uniform %.5f, "
                            + "ratio %.3f", draws, seeds, sens, uni, sens / uni));
                }
            }
        }
        report(String.format(Locale.ROOT, "estimator part: %.0f s", (System.nanoTime() - start) / 1e9));
    }

    @Test
    @Order(2)
    void fashionMnistTrainingOnTenPercent(SparkSession spark) throws Exception {
        long start = System.nanoTime();
        long n = 60000;
        long m = n / 10;
        String[] dp = prepareAndPilot(spark, "fashion-mnist", m);
        String data = dp[0];
        List<String> best = List.of("selection.labelAware=true", "selection.lambdaQuantile=0.9");
        double[] sw = new double[3];
        double[] su = new double[3];
        double[] un = new double[3];
        for (int seed = 1; seed <= 3; seed++) {
            String sens = OUT + "/fashion-sens-" + seed;
            String uni = OUT + "/fashion-uniform-" + seed;
            select(spark, sens, data, dp[1], "sensitivity", m, seed, best);
            select(spark, uni, data, null, "uniform", m, seed, List.of());
            sw[seed - 1] = train(spark, "fashion-sens-w-" + seed, data, sens, EPOCHS, 41 + seed, List.of());
            su[seed - 1] = train(spark, "fashion-sens-u-" + seed, data, sens, EPOCHS, 41 + seed,
                    List.of("data.weights=false"));
            un[seed - 1] = train(spark, "fashion-uniform-" + seed, data, uni, EPOCHS, 41 + seed, List.of());
            report(String.format(Locale.ROOT, "Fashion-MNIST seed %d: sensitivity weighted %.4f, unweighted %.4f, "
                    + "uniform %.4f", seed, sw[seed - 1], su[seed - 1], un[seed - 1]));
        }
        double fullAcc = train(spark, "fashion-full", data, null, EPOCHS, 42, List.of());
        report(String.format(Locale.ROOT, "Fashion-MNIST 10%% subsets, mean of 3 seeds: sensitivity weighted %.4f, "
                        + "unweighted %.4f, uniform %.4f; full training set %.4f (97%% of it: %.4f)", mean(sw),
                mean(su), mean(un), fullAcc, 0.97 * fullAcc));
        report(String.format(Locale.ROOT, "training part: %.0f s", (System.nanoTime() - start) / 1e9));
    }

    /**
     * The 10% subsets of {@link #fashionMnistTrainingOnTenPercent} (same selections) trained for 15 epochs: with 3
     * epochs a subset gets a tenth of the full run's optimizer steps, with 15 half of them.
     */
    @Test
    @Order(3)
    void fashionMnistSubsetsTrainedLonger(SparkSession spark) throws Exception {
        long start = System.nanoTime();
        long m = 6000;
        String[] dp = prepareAndPilot(spark, "fashion-mnist", m);
        String data = dp[0];
        List<String> best = List.of("selection.labelAware=true", "selection.lambdaQuantile=0.9");
        int epochs = 15;
        double[] sw = new double[3];
        double[] un = new double[3];
        for (int seed = 1; seed <= 3; seed++) {
            String sens = OUT + "/fashion-sens-" + seed;
            String uni = OUT + "/fashion-uniform-" + seed;
            select(spark, sens, data, dp[1], "sensitivity", m, seed, best);
            select(spark, uni, data, null, "uniform", m, seed, List.of());
            sw[seed - 1] = train(spark, "fashion-sens-w15-" + seed, data, sens, epochs, 41 + seed, List.of());
            un[seed - 1] = train(spark, "fashion-uniform15-" + seed, data, uni, epochs, 41 + seed, List.of());
            report(String.format(Locale.ROOT, "Fashion-MNIST %d epochs, seed %d: sensitivity weighted %.4f, uniform %.4f",
                    epochs, seed, sw[seed - 1], un[seed - 1]));
        }
        double fullAcc = train(spark, "fashion-full", data, null, EPOCHS, 42, List.of());
        report(String.format(Locale.ROOT, "Fashion-MNIST 10%% subsets, %d epochs, mean of 3 seeds: sensitivity weighted "
                + "%.4f, uniform %.4f; full training set (%d epochs) %.4f", epochs, mean(sw), mean(un), EPOCHS,
                fullAcc));
        report(String.format(Locale.ROOT, "longer-training part: %.0f s", (System.nanoTime() - start) / 1e9));
    }

    /**
     * 10% subsets of Fashion-MNIST selected by {@code select}'s defaults (no selection option set: with the pilot
     * model that is label-aware clusters and λ calibrated at q = 0.9) against the baselines of the spec's evaluation
     * (uniform, margin, k-center greedy), each trained with the weighted loss for {@code SPARKTRAIN_BENCH_EPOCHS}
     * epochs (default 15, half the full run's optimizer steps; 30 gives equal steps), and the full training set for
     * {@value #EPOCHS} epochs. Methods: {@code SPARKTRAIN_BENCH_METHODS} (comma-separated, default all four);
     * selection seeds 1..3 (margin is deterministic, so its seeds differ only in training). A method may carry
     * selection options and ({@code train.}) training options after a {@code +}: {@code sensitivity+uniformMix=0.5},
     * {@code kcenter+train.data.weights=false}.
     */
    @Test
    @Order(5)
    void fashionMnistDefaultsAgainstBaselines(SparkSession spark) throws Exception {
        long start = System.nanoTime();
        long m = 6000;
        int epochs = Integer.parseInt(System.getenv().getOrDefault("SPARKTRAIN_BENCH_EPOCHS", "15"));
        String[] dp = prepareAndPilot(spark, "fashion-mnist", m);
        String data = dp[0];
        List<String> methods = List.of(System.getenv().getOrDefault("SPARKTRAIN_BENCH_METHODS",
                "sensitivity,uniform,margin,kcenter").split(","));
        double fullAcc = train(spark, "fashion-full", data, null, EPOCHS, 42, List.of());
        for (String variant : methods) {
            // a variant is a method, optionally with selection options and train-classifier options (train.):
            // sensitivity+uniformMix=0.5, kcenter+train.data.weights=false
            String[] parts = variant.split("\\+");
            String method = parts[0];
            String selectionName = method;
            List<String> options = new ArrayList<>();
            List<String> training = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].startsWith("train.")) {
                    training.add(parts[i].substring("train.".length()));
                } else {
                    options.add("selection." + parts[i]);
                    selectionName += "_" + parts[i].replace('=', '-');
                }
            }
            String runName = variant.replace("train.", "").replace('+', '_').replace('=', '-');
            double[] acc = new double[3];
            for (int seed = 1; seed <= 3; seed++) {
                String sel = OUT + "/fashion-default-" + selectionName + "-" + seed;
                long t0 = System.nanoTime();
                select(spark, sel, data, "uniform".equals(method) ? null : dp[1], method, m, seed, options);
                double seconds = (System.nanoTime() - t0) / 1e9;
                acc[seed - 1] = train(spark, "fashion-default-" + runName + "-" + seed + "-e" + epochs, data, sel,
                        epochs, 41 + seed, training);
                report(String.format(Locale.ROOT, "Fashion-MNIST %s, seed %d: selection %.0f s, %d epochs "
                        + "test accuracy %.4f", variant, seed, seconds, epochs, acc[seed - 1]));
            }
            report(String.format(Locale.ROOT, "Fashion-MNIST 10%% %s subsets, %d epochs, mean of 3 seeds %.4f "
                    + "(%.1f%% of the full training set's %.4f at %d epochs)", variant, epochs, mean(acc),
                    100 * mean(acc) / fullAcc, fullAcc, EPOCHS));
        }
        report(String.format(Locale.ROOT, "defaults-against-baselines part: %.0f s", (System.nanoTime() - start) / 1e9));
    }

    /**
     * Cost: the {@code select} job (sensitivity, label-aware, calibrated λ, m = 10%) on all 70,000 MNIST records
     * (train and test splits as one train split) and on a 10x replicated copy (700,000), against one training epoch
     * of the same MLP on 70,000 records (from the samples/s of a 1-epoch full-data run).
     */
    @Test
    @Order(4)
    void selectionCost(SparkSession spark) throws Exception {
        String[] dp = prepareAndPilot(spark, "mnist", 6000);
        // timed steps must not reuse the outputs of an earlier run (select and train skip finished outputs here)
        org.apache.commons.io.FileUtils.deleteDirectory(Path.of(OUT, "runs", "mnist-full-1ep").toFile());
        train(spark, "mnist-full-1ep", dp[0], null, 1, 42, List.of());
        double sps = new ObjectMapper().readTree(Path.of(OUT, "runs", "mnist-full-1ep", "model", "model-card.json")
                .toFile()).at("/metrics/samplesPerSecond").asDouble();
        double epochSeconds = 70000 / sps;
        report(String.format(Locale.ROOT, "MNIST MLP [128], 2 workers, batch 64: %.0f samples/s, one epoch of 70,000 "
                + "records %.1f s", sps, epochSeconds));
        for (int copies : new int[]{1, 10}) {
            String data = replicated(spark, dp[0], copies);
            long n = 70000L * copies;
            String out = OUT + "/cost-" + copies;
            org.apache.commons.io.FileUtils.deleteDirectory(new java.io.File(out));
            long t0 = System.nanoTime();
            select(spark, out, data, dp[1], "sensitivity", n / 10, 1,
                    List.of("selection.labelAware=true", "selection.lambdaQuantile=0.9"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            report(String.format(Locale.ROOT, "selection cost, n = %d (%dx): %.1f s = %.2f training epochs of 70,000 "
                    + "records, %.1f µs per record", n, copies, seconds, seconds / epochSeconds, seconds / n * 1e6));
        }
    }

    /** MNIST's train and test splits as one train split of 70,000·copies records (ids made unique), test copied. */
    private static String replicated(SparkSession spark, String mnist, int copies) throws Exception {
        String out = OUT + "/mnist-all-x" + copies;
        if (Files.exists(Path.of(out, "manifest.json"))) {
            return out;
        }
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        DatasetManifest source = PreparedDataset.readManifest(mnist, conf);
        // ids 2i (train) and 2i + 1 (test) are distinct whatever ids the prepared splits use; copy c adds c·span
        Dataset<Row> all = PreparedDataset.readSplit(spark, mnist, "train")
                .withColumn("id", org.apache.spark.sql.functions.col("id").multiply(2L))
                .union(PreparedDataset.readSplit(spark, mnist, "test")
                        .withColumn("id", org.apache.spark.sql.functions.col("id").multiply(2L).plus(1L)));
        long span = all.agg(org.apache.spark.sql.functions.max("id")).first().getLong(0) + 1;
        Dataset<Row> rows = all.crossJoin(spark.range(copies).withColumnRenamed("id", "copy"))
                .withColumn("id", org.apache.spark.sql.functions.col("id")
                        .plus(org.apache.spark.sql.functions.col("copy").multiply(span)))
                .select("id", "features", "label").repartition(8 * copies);
        rows.write().parquet(out + "/train");
        PreparedDataset.readSplit(spark, mnist, "test").write().parquet(out + "/test");
        long[] h = new long[10];
        for (int c = 0; c < 10; c++) {
            h[c] = (source.split("train").classHistogram().get(c) + source.split("test").classHistogram().get(c))
                    * (long) copies;
        }
        java.util.Map<String, DatasetManifest.Split> splits = new java.util.LinkedHashMap<>();
        splits.put("train", new DatasetManifest.Split(70000L * copies, java.util.Arrays.stream(h).boxed().toList()));
        splits.put("test", source.split("test"));
        DatasetManifest m = new DatasetManifest(source.format(), "mnist-all-x" + copies, source.kind(),
                source.featureShape(), source.numClasses(), source.classNames(), splits, source.sources(), 0,
                java.time.Instant.now().toString(), "SelectionBench");
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(out);
        PreparedDataset.writeManifest(dir.getFileSystem(conf), dir, m);
        return out;
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x;
        }
        return s / a.length;
    }

    /** (1/n²)·Σ ℓ²/p with p = mass/total: m times the mean square of the weighted mean estimate of m draws. */
    private static double secondMoment(double[] mass, double total, double[] loss) {
        double s = 0;
        for (int i = 0; i < mass.length; i++) {
            if (loss[i] != 0) {
                s += loss[i] * loss[i] * total / mass[i];
            }
        }
        return s / ((double) mass.length * mass.length);
    }

    private static Iterator<Tuple2<Long, Double>> losses(Iterator<Row> it, ClassifierSelectionModel model) {
        List<Tuple2<Long, Double>> out = new ArrayList<>();
        List<Row> batch = new ArrayList<>();
        while (it.hasNext()) {
            batch.add(it.next());
            if (batch.size() == 512 || !it.hasNext()) {
                float[][] x = new float[batch.size()][];
                double[] y = new double[batch.size()];
                for (int i = 0; i < x.length; i++) {
                    List<Object> f = batch.get(i).getList(1);
                    x[i] = new float[f.size()];
                    for (int j = 0; j < x[i].length; j++) {
                        x[i][j] = ((Number) f.get(j)).floatValue();
                    }
                    y[i] = batch.get(i).getInt(2);
                }
                double[] l = model.losses(x, y);
                for (int i = 0; i < l.length; i++) {
                    out.add(new Tuple2<>(batch.get(i).getLong(0), l[i]));
                }
                batch.clear();
            }
        }
        return out.iterator();
    }

    /** RMSE over seeds 1..seeds of (1/n)·Σ_S mult/(m·p)·ℓ against the full mean, p = mass/total. */
    private static double rmse(double[] mass, double total, double[] loss, double full, long m, int seeds) {
        double sq = 0;
        for (int seed = 1; seed <= seeds; seed++) {
            int[] mult = InverseCdfSampler.multiplicities(mass, InverseCdfSampler.draws(m, total, seed));
            double estimate = 0;
            for (int i = 0; i < mass.length; i++) {
                if (mult[i] > 0) {
                    estimate += mult[i] * total / (m * mass[i]) * loss[i];
                }
            }
            estimate /= mass.length;
            sq += (estimate - full) * (estimate - full);
        }
        return Math.sqrt(sq / seeds);
    }
}

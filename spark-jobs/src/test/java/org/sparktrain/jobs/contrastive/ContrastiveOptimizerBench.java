package org.sparktrain.jobs.contrastive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.api.Sparktrain;
import org.sparktrain.config.ConfigLoader;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.testing.BenchmarkFile;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.zoo.ImageShape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark for issue 9 on {@code train-contrastive} (not a unit test; runs only with {@code SPARKTRAIN_BENCH=1}):
 * iSogCLR with Adam at a constant learning rate swept over several values, against learning-rate-free optimizers at
 * their defaults (only {@code optimizer.type} set), each over several seeds; equal data, epochs, batch, encoder and
 * workers for all (the setting of {@link ContrastiveBench}: balanced Fashion-MNIST subset, 500 images per class,
 * MLP encoder 784-256-128, head 128-128-64, global batch 256 on 2 workers, iSogCLR with LibAUC's CIFAR-10 τ settings).
 *
 * <p>Quality is linear-probe top-1 (the job's probe: MLlib logistic regression on the frozen features of the
 * training records). Tuned Adam is the rate with the best <em>mean validation</em> probe accuracy over the seeds;
 * every optimizer is then reported by its mean test accuracy (the job's number on the 10,000-image test split). The
 * validation set is taken from the train split and is disjoint from the training records by construction: the
 * training subset is the first 500 records per class in the seeded-hash order of {@link LongTailSubset#subset}, the
 * validation set the next {@code SPARKTRAIN_BENCH_COPT_VAL_PER_CLASS} (default 300) per class in the same order. The
 * validation probe is fitted on the same training features as the job's probe (L-BFGS is deterministic, so it is the
 * same probe) and scored on the validation images.
 *
 * <p>Environment: {@code SPARKTRAIN_BENCH_COPT_EPOCHS} (default 10), {@code SPARKTRAIN_BENCH_COPT_SEEDS} (default
 * 42,43,44), {@code SPARKTRAIN_BENCH_COPT_ADAM} (default 1e-4,3e-4,1e-3,3e-3,1e-2),
 * {@code SPARKTRAIN_BENCH_COPT_FREE} (default dadapt-adam,prodigy,schedule-free-adamw,dog); the data directory and
 * probe iterations as {@link ContrastiveBench} ({@code SPARKTRAIN_BENCH_DIR}, ...). Seeds run outermost and the
 * tables are rewritten after every seed, so a run cut short keeps its finished seeds; with
 * {@code SPARKTRAIN_BENCH_COPT_REUSE=1} a rerun reuses the finished runs under {@code SPARKTRAIN_BENCH_DIR}
 * (wall time then NaN).
 */
@ExtendWith(SharedSpark.class)
@EnabledIfEnvironmentVariable(named = "SPARKTRAIN_BENCH", matches = "1")
class ContrastiveOptimizerBench {
    static final int EPOCHS = Integer.parseInt(env("EPOCHS", "10"));
    static final int VAL_PER_CLASS = Integer.parseInt(env("VAL_PER_CLASS", "300"));
    static final String SEEDS = env("SEEDS", "42,43,44");
    static final String ADAM = env("ADAM", "1e-4,3e-4,1e-3,3e-3,1e-2");
    static final String FREE = env("FREE", "dadapt-adam,prodigy,schedule-free-adamw,dog");
    /** 1 = reuse a run whose eval.json exists (a resumed sweep): its test accuracy and training seconds are read
     *  back, its validation probe is recomputed (deterministic), its wall time is not known (NaN). */
    static final boolean REUSE = env("REUSE", "0").equals("1");
    static final String METHOD = "isogclr";
    static final String MARKER = "contrastive-isogclr";

    static String env(String key, String def) {
        return System.getenv().getOrDefault("SPARKTRAIN_BENCH_COPT_" + key, def);
    }

    /** The non-empty entries of a comma-separated list. */
    static List<String> list(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /** One trained and evaluated run. */
    record Result(String optimizer, long seed, double validation, double test, double trainSeconds,
                  double wallSeconds) {
    }

    @Test
    void adamSweepVsLearningRateFreeOnIsogclr(SparkSession spark) throws Exception {
        double load = BenchmarkFile.load();
        String data = ContrastiveBench.preparedFashionMnist(spark);
        List<String> names = new ArrayList<>();
        List<List<String>> overrides = new ArrayList<>();
        for (String rate : list(ADAM)) {
            names.add("adam lr=" + rate.trim());
            overrides.add(List.of("optimizer.type=adam", "optimizer.learningRate=" + rate.trim()));
        }
        int adamCount = names.size();
        for (String type : list(FREE)) {
            names.add(type.trim());
            // an empty value is null: the optimizer's own default (no learning rate set)
            overrides.add(List.of("optimizer.type=" + type.trim(), "optimizer.learningRate="));
        }
        Map<String, List<Result>> results = new LinkedHashMap<>();
        names.forEach(n -> results.put(n, new ArrayList<>()));
        StringBuilder rows = new StringBuilder("| optimizer | seed | val top-1 | test top-1 | training loop (s) | "
                + "run incl. Spark set-up and probes (s) |\n|---|---|---|---|---|---|\n");
        for (String s : list(SEEDS)) {
            long seed = Long.parseLong(s.trim());
            for (int i = 0; i < names.size(); i++) {
                Result r = run(spark, data, names.get(i), overrides.get(i), seed);
                results.get(names.get(i)).add(r);
                rows.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.1f | %.1f |%n", r.optimizer(),
                        seed, r.validation(), r.test(), r.trainSeconds(), r.wallSeconds()));
            }
            String md = summary(results, adamCount) + "\nPer run:\n\n" + rows + setup(adamCount);
            System.out.println(md);
            BenchmarkFile.write("benchmarks-optimizers.md", MARKER, "iSogCLR (train-contrastive) on balanced "
                            + "Fashion-MNIST: learning-rate-free optimizers at defaults vs tuned Adam",
                    BenchmarkFile.command("ContrastiveOptimizerBench"), load, md);
        }
    }

    /** Summary over the seeds run so far: tuned Adam = best mean validation accuracy. */
    static String summary(Map<String, List<Result>> results, int adamCount) {
        List<String> names = new ArrayList<>(results.keySet());
        String tuned = null;
        double best = Double.NEGATIVE_INFINITY;
        double sweep = 0;
        for (int i = 0; i < adamCount; i++) {
            List<Result> rs = results.get(names.get(i));
            double v = mean(rs, true);
            if (v > best) {
                best = v;
                tuned = names.get(i);
            }
            sweep += rs.stream().mapToDouble(Result::trainSeconds).sum();
        }
        double tunedTest = tuned == null ? Double.NaN : mean(results.get(tuned), false);
        StringBuilder md = new StringBuilder("| optimizer | mean val top-1 | mean test top-1 | sd test (seeds) | "
                + "min..max test | vs tuned Adam (points) | vs tuned Adam (relative) | training loop, all seeds (s) |"
                + "\n|---|---|---|---|---|---|---|---|\n");
        int within = 0;
        for (int i = 0; i < names.size(); i++) {
            List<Result> rs = results.get(names.get(i));
            if (rs.isEmpty()) {
                continue;
            }
            double test = mean(rs, false);
            double seconds = rs.stream().mapToDouble(Result::trainSeconds).sum();
            boolean isTuned = names.get(i).equals(tuned);
            if (i >= adamCount && test >= tunedTest * 0.99) {
                within++;
            }
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f..%.4f | %+.2f | %+.2f%% | %s |%n",
                    isTuned ? "**" + names.get(i) + " (tuned)**" : i < adamCount ? names.get(i)
                            : names.get(i) + " (defaults)",
                    mean(rs, true), test, sd(rs), rs.stream().mapToDouble(Result::test).min().orElse(Double.NaN),
                    rs.stream().mapToDouble(Result::test).max().orElse(Double.NaN), 100 * (test - tunedTest),
                    100 * (test - tunedTest) / tunedTest, isTuned ? String.format(Locale.ROOT,
                            "%.1f (whole sweep of %d rates: %.1f)", seconds, adamCount, sweep)
                            : String.format(Locale.ROOT, "%.1f", seconds)));
        }
        md.append(String.format(Locale.ROOT, "%n%d of %d learning-rate-free optimizers at their defaults are within "
                + "1%% (relative) of tuned Adam's mean test top-1.%n", within, names.size() - adamCount));
        return md.toString();
    }

    static String setup(int adamCount) {
        return String.format(Locale.ROOT, "%nSetup: iSogCLR (`deploy/configs/train-contrastive-isogclr-fashion-mnist"
                        + ".yaml` with %s), Fashion-MNIST balanced subset of %d training images per class (seeded hash"
                        + " of the id, trimmed to whole global batches: 4,864), MLP encoder width %s, %d epochs, global"
                        + " batch 256 on 2 workers (allreduce, local[2]), the same for every optimizer; seeds %s drive "
                        + "initialisation, batch order, augmentations and the subsets. Adam at a constant learning rate"
                        + " in {%s}; tuned Adam = the rate with the best mean *validation* probe top-1 (%d images per "
                        + "class of the train split, disjoint from the training records); the learning-rate-free "
                        + "optimizers set only `optimizer.type` (no learning rate, no other key). Probe: MLlib "
                        + "multinomial logistic regression, %d L-BFGS iterations, on the frozen 128-d features at the "
                        + "optimizer's evaluation point (Schedule-Free's x, DoG's average); test = the 10,000-image "
                        + "test split. Compute = the engine's training-loop seconds (the job's `trainSeconds`); tuned "
                        + "Adam's cost is the whole sweep of %d rates. Times are wall clock on the shared machine: "
                        + "compare them only as ratios within this table; NaN = a run reused from an earlier, interrupted "
                        + "invocation (its training-loop time is its own).%n",
                String.join(", ", ContrastiveBench.ISOGCLR), ContrastiveBench.PER_CLASS,
                ContrastiveBench.ENCODER_HIDDEN, EPOCHS, SEEDS, ADAM, VAL_PER_CLASS,
                ContrastiveBench.PROBE_ITERATIONS, adamCount);
    }

    /** One train-contrastive run via the CLI entry point, then the validation probe on the saved encoder. */
    static Result run(SparkSession spark, String data, String name, List<String> optimizer, long seed)
            throws Exception {
        String runId = "copt-" + name.replace(' ', '-').replace('=', '-') + "-" + seed;
        Path runs = Path.of(ContrastiveBench.OUT, "runs").toAbsolutePath();
        Path config = Path.of("..", "deploy", "configs", "train-contrastive-" + METHOD + "-fashion-mnist.yaml");
        List<String> o = new ArrayList<>(List.of("data.dataset=" + data, "output=" + runs, "runId=" + runId,
                "engine.epochs=" + EPOCHS, "engine.seed=" + seed, "engine.checkpointEvery=0",
                "model.encoderHidden=" + ContrastiveBench.ENCODER_HIDDEN, "engine.logEvery=1000",
                "probe.maxIterations=" + ContrastiveBench.PROBE_ITERATIONS,
                "data.maxPerClass=" + ContrastiveBench.PER_CLASS));
        o.addAll(ContrastiveBench.ISOGCLR);
        o.addAll(optimizer);
        long t0 = System.nanoTime();
        Path dir = runs.resolve(runId);
        boolean reused = REUSE && Files.exists(dir.resolve("eval.json"));
        if (!reused) {
            Sparktrain.run(spark, "train-contrastive", Files.readString(config), o.toArray(String[]::new));
        }
        ObjectMapper json = new ObjectMapper();
        double test = json.readTree(dir.resolve("eval.json").toFile()).get("accuracy").asDouble();
        double trainSeconds = Double.NaN;
        for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
            JsonNode record = json.readTree(line);
            if (record.has("trainSeconds")) {
                trainSeconds = record.get("trainSeconds").asDouble();
            }
        }
        double validation = validationAccuracy(spark, dir);
        double wall = reused ? Double.NaN : (System.nanoTime() - t0) / 1e9;
        Result r = new Result(name, seed, validation, test, trainSeconds, wall);
        System.out.printf(Locale.ROOT, "[bench] %s seed %d: val %.4f, test %.4f, train %.1f s, run %.1f s%s%n", name,
                seed, validation, test, trainSeconds, wall, reused ? " (reused)" : "");
        return r;
    }

    /**
     * Probe top-1 on the validation images: the run's own config (config.yaml) and evaluated parameters
     * (model/contrastive-encoder.json).
     */
    static double validationAccuracy(SparkSession spark, Path dir) throws Exception {
        TrainContrastiveConfig cfg = ConfigLoader.bind(ConfigLoader.parse(Files.readString(dir.resolve("config.yaml")),
                "config.yaml"), TrainContrastiveConfig.class, "config.yaml");
        JsonNode p = new ObjectMapper().readTree(dir.resolve("model/contrastive-encoder.json").toFile()).get("params");
        float[] params = new float[p.size()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) p.get(i).asDouble();
        }
        return probe(spark, cfg, params, false);
    }

    /**
     * Baseline row for the table above: the probe on the <em>untrained</em> encoder (its seeded initial parameters),
     * validation and test top-1 per seed, so the tables show how much pre-training adds at all.
     */
    @Test
    void untrainedEncoderProbe(SparkSession spark) throws Exception {
        double load = BenchmarkFile.load();
        String data = ContrastiveBench.preparedFashionMnist(spark);
        String yaml = Files.readString(Path.of("..", "deploy", "configs", "train-contrastive-" + METHOD
                + "-fashion-mnist.yaml"));
        StringBuilder md = new StringBuilder("| seed | val top-1 | test top-1 |\n|---|---|---|\n");
        List<Double> val = new ArrayList<>();
        List<Double> test = new ArrayList<>();
        for (String s : list(SEEDS)) {
            com.fasterxml.jackson.databind.node.ObjectNode tree = ConfigLoader.parse(yaml, "config");
            for (String o : List.of("data.dataset=" + data, "engine.seed=" + s.trim(),
                    "model.encoderHidden=" + ContrastiveBench.ENCODER_HIDDEN,
                    "probe.maxIterations=" + ContrastiveBench.PROBE_ITERATIONS,
                    "data.maxPerClass=" + ContrastiveBench.PER_CLASS)) {
                ConfigLoader.applyOverride(tree, o);
            }
            TrainContrastiveConfig cfg = ConfigLoader.bind(tree, TrainContrastiveConfig.class, "config");
            float[] params = new ContrastiveFactory(cfg.method(), new ImageShape(1, 28, 28), cfg.model(),
                    cfg.augmentation(), cfg.loss(), cfg.engine().seed()).newModel(org.nd4j.linalg.api.buffer.DataType
                    .FLOAT).params().dup().data().asFloat();
            double v = probe(spark, cfg, params, false);
            double t = probe(spark, cfg, params, true);
            val.add(v);
            test.add(t);
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f |%n", s.trim(), v, t));
        }
        md.append(String.format(Locale.ROOT, "| mean | %.4f | %.4f |%n%nThe same training records, validation "
                        + "images, probe (%d L-BFGS iterations) and test split as the block above, on the encoder's "
                        + "seeded initial parameters (MLP encoder width %s, before any step).%n",
                val.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                test.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                ContrastiveBench.PROBE_ITERATIONS, ContrastiveBench.ENCODER_HIDDEN));
        System.out.println(md);
        BenchmarkFile.write("benchmarks-optimizers.md", MARKER + "-start", "Baseline for the iSogCLR table: the "
                        + "linear probe on the untrained encoder",
                BenchmarkFile.command("ContrastiveOptimizerBench#untrainedEncoderProbe"), load, md.toString());
    }

    /**
     * Probe top-1 of {@code params}, fitted on the training records chosen exactly as the job chooses them, scored
     * on the test split ({@code onTest}) or on the validation records: the next {@link #VAL_PER_CLASS} per class of
     * the train split in the same seeded order, so disjoint from the training records.
     */
    static double probe(SparkSession spark, TrainContrastiveConfig cfg, float[] params, boolean onTest) {
        long seed = cfg.engine().seed();
        int k = 10;
        Dataset<Row> split = PreparedDataset.readSplit(spark, cfg.data().dataset(), cfg.data().trainSplit());
        Dataset<Row> first = LongTailSubset.subset(split, k, 1, cfg.data().maxPerClass(), seed);
        Dataset<Row> train = LongTailSubset.wholeBatches(first, cfg.engine().batchSize(), seed, "train").cache();
        Dataset<Row> scored = (onTest ? PreparedDataset.readSplit(spark, cfg.data().dataset(), cfg.data().testSplit())
                : LongTailSubset.subset(split, k, 1, cfg.data().maxPerClass() + VAL_PER_CLASS, seed)
                .join(first.select(PreparedDataset.ID), PreparedDataset.ID, "left_anti")).cache();
        try {
            long n = scored.count();
            if (!onTest && n != (long) k * VAL_PER_CLASS) {
                throw new IllegalStateException("validation set has " + n + " records, expected " + k * VAL_PER_CLASS);
            }
            ContrastiveFactory factory = new ContrastiveFactory(cfg.method(), new ImageShape(1, 28, 28), cfg.model(),
                    cfg.augmentation(), cfg.loss(), seed);
            return LinearProbe.run(spark, train, scored, factory, params, k, cfg.probe()).testAccuracy();
        } finally {
            train.unpersist();
            scored.unpersist();
        }
    }

    static double mean(List<Result> rs, boolean validation) {
        return rs.stream().mapToDouble(r -> validation ? r.validation() : r.test()).average().orElse(Double.NaN);
    }

    static double sd(List<Result> rs) {
        if (rs.size() < 2) {
            return Double.NaN;
        }
        double m = mean(rs, false);
        double ss = 0;
        for (Result r : rs) {
            ss += (r.test() - m) * (r.test() - m);
        }
        return Math.sqrt(ss / (rs.size() - 1));
    }
}

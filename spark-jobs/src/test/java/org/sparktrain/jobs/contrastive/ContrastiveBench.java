package org.sparktrain.jobs.contrastive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.api.Sparktrain;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.testing.BenchmarkFile;
import org.sparktrain.testing.SharedSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a unit test; runs only with {@code SPARKTRAIN_BENCH=1}): SimCLR vs SogCLR vs iSogCLR on a balanced
 * and a long-tailed Fashion-MNIST training set (imbalance ratio 100; the test split stays balanced), linear-probe
 * top-1 on the test split, mean and standard deviation over 3 seeds, equal epochs, batch and encoder for every
 * method; on the long-tailed set also the Spearman correlation of the mean learned τ per class against the class's
 * training size (iSogCLR). Writes {@code docs/benchmarks-contrastive.md} after every seed, so a cut-short run still
 * leaves its finished seeds.
 *
 * <p>Size (set by environment variables so that the 18 runs fit the shared 2-core machine, where other agents kept
 * the load average near 30): the long-tailed set is the CIFAR-LT-style subset with head class
 * {@code SPARKTRAIN_BENCH_CONTRASTIVE_LT_HEAD} (default 2,000) images, class k keeping round(2000·100^(−k/9))
 * (4,965 records, 4,864 after the trim to whole batches); the balanced set is
 * {@code SPARKTRAIN_BENCH_CONTRASTIVE_PER_CLASS} (default 500) images per class (5,000, trimmed to 4,864), so both
 * sets cost the same per epoch. {@code SPARKTRAIN_BENCH_CONTRASTIVE_EPOCHS} (default 10) epochs at global batch 256
 * on 2 workers, the MLP encoder 784-256-128 with a 128-128-64 head (the shipped configs' {@code model.encoder: mlp}
 * with encoderHidden 256); the probe runs {@code SPARKTRAIN_BENCH_CONTRASTIVE_PROBE_ITERATIONS} (default 50) L-BFGS
 * iterations. {@code SPARKTRAIN_BENCH_CONTRASTIVE_ENCODER} (default mlp) sets {@code model.encoder} of every run
 * (lenet: about 300 samples/s of training on 2 workers here; resnet: about 30).
 */
@ExtendWith(SharedSpark.class)
@EnabledIfEnvironmentVariable(named = "SPARKTRAIN_BENCH", matches = "1")
class ContrastiveBench {
    static final String OUT = System.getenv().getOrDefault("SPARKTRAIN_BENCH_DIR", "target/contrastive-bench");
    static final int EPOCHS = Integer.parseInt(env("EPOCHS", "10"));
    static final int PER_CLASS = Integer.parseInt(env("PER_CLASS", "500"));
    static final int LT_HEAD = Integer.parseInt(env("LT_HEAD", "2000"));
    static final int PROBE_ITERATIONS = Integer.parseInt(env("PROBE_ITERATIONS", "50"));
    static final int SEEDS = Integer.parseInt(env("SEEDS", "3"));
    static final String ENCODER_HIDDEN = env("ENCODER_HIDDEN", "256");
    /** {@code model.encoder} of every run: mlp (default), lenet or resnet. */
    static final String ENCODER = env("ENCODER", "mlp");
    static final List<String> METHODS = List.of("simclr", "sogclr", "isogclr");
    /** iSogCLR's τ settings: LibAUC's CIFAR-10 tutorial (ρ 0.4, η 0.03, β 0.5), bounds of GCLoss_v1. */
    static final List<String> ISOGCLR = List.of("loss.rho=0.4", "loss.eta=0.03", "loss.beta=0.5");

    static String env(String key, String def) {
        return System.getenv().getOrDefault("SPARKTRAIN_BENCH_CONTRASTIVE_" + key, def);
    }

    record Run(String set, String method, long seed, double accuracy, double spearman, double[] meanTau,
               long[] classCounts, double seconds, double samplesPerSecond, double fullTrainProbeAccuracy) {
    }

    @Test
    void simclrSogclrIsogclrOnBalancedAndLongTailedFashionMnist(SparkSession spark) throws Exception {
        double load = BenchmarkFile.load();
        String data = preparedFashionMnist(spark);
        List<Run> runs = new ArrayList<>();
        for (int s = 0; s < SEEDS; s++) {
            long seed = 42 + s;
            for (String set : List.of("balanced", "long-tailed")) {
                for (String method : METHODS) {
                    runs.add(run(spark, data, set, method, seed));
                }
            }
            String md = table(runs);
            System.out.println(md);
            BenchmarkFile.write("benchmarks-contrastive.md", "contrastive-fashion", "SimCLR vs SogCLR vs iSogCLR on "
                            + "balanced and long-tailed Fashion-MNIST (linear probe, seeds 42.." + seed + ")",
                    BenchmarkFile.command("ContrastiveBench#simclrSogclrIsogclrOnBalancedAndLongTailedFashionMnist"),
                    load, md);
        }
    }

    /**
     * The long-tailed set only, every variant probed twice from the same encoder ({@code probe.trainData=both}): on
     * the long-tailed pre-training records (the main table's protocol) and on the full balanced train split (60,000
     * images, the protocol of SSL-under-imbalance studies: pre-train long-tailed, probe balanced), so that the
     * representation is compared apart from the class bias a probe fitted on long-tailed labels learns. Variants come
     * from {@code SPARKTRAIN_BENCH_CONTRASTIVE_VARIANTS} (comma-separated {@code method[+key=value...]}, default
     * {@code simclr,sogclr,isogclr}); iSogCLR variants start from the main table's ρ 0.4, η 0.03, β 0.5.
     * The block name is {@code SPARKTRAIN_BENCH_CONTRASTIVE_BLOCK} (default {@code contrastive-long-tailed-probes}).
     */
    @Test
    void longTailedWithBalancedProbe(SparkSession spark) throws Exception {
        double load = BenchmarkFile.load();
        String data = preparedFashionMnist(spark);
        List<String> variants = List.of(env("VARIANTS", "simclr,sogclr,isogclr").split(","));
        String block = env("BLOCK", "contrastive-long-tailed-probes");
        List<List<Run>> runs = new ArrayList<>();
        variants.forEach(v -> runs.add(new ArrayList<>()));
        for (int s = 0; s < SEEDS; s++) {
            long seed = 42 + s;
            for (int v = 0; v < variants.size(); v++) {
                String[] parts = variants.get(v).split("\\+");
                List<String> extra = new ArrayList<>(List.of(parts).subList(1, parts.length));
                extra.add(0, "probe.trainData=both");
                runs.get(v).add(run(spark, data, "long-tailed", parts[0], seed, "-v" + Integer.toHexString(
                        variants.get(v).hashCode()), extra));
            }
            StringBuilder md = new StringBuilder();
            md.append("| variant | probe on long-tailed records: top-1 per seed | mean ± sd | probe on the full balanced "
                    + "train split: top-1 per seed | mean ± sd | Spearman(mean τ per class, class size) per seed "
                    + "|\n|---|---|---|---|---|---|\n");
            for (int v = 0; v < variants.size(); v++) {
                List<Run> rs = runs.get(v);
                double[] lt = rs.stream().mapToDouble(Run::accuracy).toArray();
                double[] full = rs.stream().mapToDouble(Run::fullTrainProbeAccuracy).toArray();
                double[] rho = rs.stream().mapToDouble(Run::spearman).toArray();
                md.append(String.format(Locale.ROOT, "| %s | %s | %.4f ± %.4f | %s | %.4f ± %.4f | %s |%n",
                        variants.get(v), join(lt, "%.4f"), mean(lt), sd(lt), join(full, "%.4f"), mean(full),
                        sd(full), Double.isNaN(rho[0]) ? "–" : join(rho, "%+.3f")));
            }
            md.append(String.format(Locale.ROOT, "%nSetup: the long-tailed set of the main block "
                    + "(`data.maxPerClass=%d`, `data.imbalanceRatio=100`, %d epochs, batch 256 on 2 workers, Adam 1e-3,"
                    + " %s encoder with hidden width %s, %d probe iterations), seeds 42..%d; `probe.trainData=both` probes each "
                    + "encoder on its long-tailed pre-training records and on all 60,000 balanced training images, "
                    + "scored on the balanced test split. A variant is `method+key=value...` on top of the shipped "
                    + "config (iSogCLR from %s).%n", LT_HEAD, EPOCHS, encoderName(),
                    ENCODER_HIDDEN, PROBE_ITERATIONS, seed,
                    String.join(", ", ISOGCLR)));
            System.out.println(md);
            BenchmarkFile.write("benchmarks-contrastive.md", block, "Long-tailed pre-training, probed on long-tailed "
                            + "and on balanced labels (seeds 42.." + seed + ")",
                    BenchmarkFile.command("ContrastiveBench#longTailedWithBalancedProbe"), load, md.toString());
        }
    }

    /**
     * What pre-training has to beat on the long-tailed set: the same two probes as
     * {@link #longTailedWithBalancedProbe} (fitted on the long-tailed pre-training records, and on the whole balanced
     * train split; scored on the balanced test split) on the <em>untrained</em> encoders of
     * {@code SPARKTRAIN_BENCH_CONTRASTIVE_START_ENCODERS} (default mlp,lenet; the seeded initial parameters of seeds
     * 42..) and on the raw pixels (784 values, the same logistic regression: Spark MLlib, standardised, the same
     * iterations and L2). Block {@code contrastive-long-tailed-start}.
     */
    @Test
    void longTailedStartProbes(SparkSession spark) throws Exception {
        double load = BenchmarkFile.load();
        String data = preparedFashionMnist(spark);
        List<String> encoders = List.of(env("START_ENCODERS", "mlp,lenet").split(","));
        ProbeConfig probe = new ProbeConfig(PROBE_ITERATIONS, null, null);
        Dataset<Row> split = PreparedDataset.readSplit(spark, data, "train");
        Dataset<Row> test = PreparedDataset.readSplit(spark, data, "test").cache();
        StringBuilder md = new StringBuilder("| features | seed | probe on long-tailed records: test top-1 (train) "
                + "| probe on the full balanced train split: test top-1 (train) |\n|---|---|---|---|\n");
        for (int s = 0; s < SEEDS; s++) {
            long seed = 42 + s;
            // the records train-contrastive pre-trains on for this seed (long tail, then whole batches of 256)
            Dataset<Row> lt = LongTailSubset.wholeBatches(LongTailSubset.subset(split, 10, 100, LT_HEAD, seed), 256,
                    seed, "long-tailed").cache();
            if (s == 0) {
                LinearProbe.Result[] raw = {rawPixelProbe(spark, lt, test, probe), rawPixelProbe(spark, split, test,
                        probe)};
                md.append(String.format(Locale.ROOT, "| raw pixels (784) | 42 | %.4f (%.4f) | %.4f (%.4f) |%n",
                        raw[0].testAccuracy(), raw[0].trainAccuracy(), raw[1].testAccuracy(),
                        raw[1].trainAccuracy()));
            }
            for (String encoder : encoders) {
                ContrastiveModelConfig model = new ContrastiveModelConfig(encoder, Integer.parseInt(ENCODER_HIDDEN),
                        null, 128, 128, 64);
                ContrastiveFactory factory = new ContrastiveFactory("simclr", new org.sparktrain.zoo.ImageShape(1, 28,
                        28), model, new AugmentationConfig(null, null, null, null, null), new ContrastiveLossConfig(
                        null, null, null, null, null, null, null, null, null), seed);
                float[] params = factory.newModel(org.nd4j.linalg.api.buffer.DataType.FLOAT).params().dup().data()
                        .asFloat();
                LinearProbe.Result a = LinearProbe.run(spark, lt, test, factory, params, 10, probe);
                LinearProbe.Result b = LinearProbe.run(spark, split, test, factory, params, 10, probe);
                md.append(String.format(Locale.ROOT, "| untrained %s encoder | %d | %.4f (%.4f) | %.4f (%.4f) |%n",
                        encoder, seed, a.testAccuracy(), a.trainAccuracy(), b.testAccuracy(), b.trainAccuracy()));
                System.out.println(md);
            }
            lt.unpersist();
        }
        md.append(String.format(Locale.ROOT, "%nThe long-tailed records of `longTailedWithBalancedProbe` for each seed "
                + "(`data.maxPerClass=%d`, `data.imbalanceRatio=100`, trimmed to whole batches of 256), the full "
                + "60,000-image train split and the balanced test split; logistic regression with %d L-BFGS iterations,"
                + " L2 1e-4, standardised features, as `train-contrastive`'s probe. Encoders: the shipped configs' "
                + "architecture with hidden width %s (representation 128), seeded initial parameters, no training "
                + "step.%n", LT_HEAD, PROBE_ITERATIONS, ENCODER_HIDDEN));
        System.out.println(md);
        test.unpersist();
        BenchmarkFile.write("benchmarks-contrastive.md", "contrastive-long-tailed-start", "Long-tailed set: the "
                        + "probes on untrained encoders and on raw pixels",
                BenchmarkFile.command("ContrastiveBench#longTailedStartProbes"), load, md.toString());
    }

    /** The probe's logistic regression on the raw pixels: (label, 784 pixel values) rows, no encoder. */
    static LinearProbe.Result rawPixelProbe(SparkSession spark, Dataset<Row> train, Dataset<Row> test,
                                            ProbeConfig cfg) {
        Dataset<Row> tr = pixels(spark, train).cache();
        Dataset<Row> te = pixels(spark, test).cache();
        try {
            return LinearProbe.fit(tr, te, 10, cfg);
        } finally {
            tr.unpersist();
            te.unpersist();
        }
    }

    static Dataset<Row> pixels(SparkSession spark, Dataset<Row> data) {
        return spark.createDataFrame(data.select(PreparedDataset.FEATURES, PreparedDataset.LABEL).javaRDD().map(r -> {
            List<Float> f = r.getList(0);
            double[] x = new double[f.size()];
            for (int j = 0; j < x.length; j++) {
                x[j] = f.get(j);
            }
            return RowFactory.create((double) r.getInt(1), Vectors.dense(x));
        }), LinearProbe.SCHEMA);
    }

    /**
     * SogCLR's small-batch claim: accuracy at global batch 64 vs 256, SimCLR and SogCLR, balanced set, equal epochs,
     * {@code SPARKTRAIN_BENCH_CONTRASTIVE_SEEDS} seeds.
     */
    @Test
    void smallBatchClaim(SparkSession spark) throws Exception {
        double load = BenchmarkFile.load();
        String data = preparedFashionMnist(spark);
        List<Run> batch64 = new ArrayList<>();
        List<Run> batch256 = new ArrayList<>();
        StringBuilder md = new StringBuilder();
        for (int s = 0; s < SEEDS; s++) {
            long seed = 42 + s;
            for (String method : List.of("simclr", "sogclr")) {
                batch64.add(run(spark, data, "balanced", method, seed, "-b64", List.of("engine.batchSize=64")));
                batch256.add(run(spark, data, "balanced", method, seed, "-b256", List.of("engine.batchSize=256")));
            }
        }
        md.append("| method | batch 64: probe top-1 per seed | mean ± sd | batch 256: probe top-1 per seed | mean ± sd"
                + " | 64 − 256 |\n|---|---|---|---|---|---|\n");
        for (String method : List.of("simclr", "sogclr")) {
            double[] a = batch64.stream().filter(r -> r.method().equals(method)).mapToDouble(Run::accuracy).toArray();
            double[] b = batch256.stream().filter(r -> r.method().equals(method)).mapToDouble(Run::accuracy)
                    .toArray();
            md.append(String.format(Locale.ROOT, "| %s | %s | %.4f ± %.4f | %s | %.4f ± %.4f | %+.4f |%n", method,
                    join(a, "%.4f"), mean(a), sd(a), join(b, "%.4f"), mean(b), sd(b), mean(a) - mean(b)));
        }
        md.append(String.format(Locale.ROOT, "%nSetup: as the block above (balanced set, %d images per class, %s "
                + "encoder width %s, %d epochs, Adam 1e-3, τ 0.2, γ 0.9), only the global batch changes (64 or 256 "
                + "on 2 workers: 32 or 128 per worker); equal epochs, so batch 64 takes 4x the steps.%n", PER_CLASS,
                encoderName(), ENCODER_HIDDEN, EPOCHS));
        System.out.println(md);
        BenchmarkFile.write("benchmarks-contrastive.md", "contrastive-batch", "SogCLR small-batch claim "
                        + "(batch 64 vs 256)",
                BenchmarkFile.command("ContrastiveBench#smallBatchClaim"), load, md.toString());
    }

    /**
     * Training throughput of train-contrastive on 2 engine workers vs 1 (SogCLR, global batch 256, balanced set;
     * a warm-up run, then the two worker counts alternate in order, 3 repetitions, so that load from other processes
     * falls on both alike). Each worker is one Spark task with one native thread ({@code engine.threadsPerWorker} 0 =
     * the task's cores).
     */
    @Test
    void workerThroughput(SparkSession spark) throws Exception {
        double load = BenchmarkFile.load();
        String data = preparedFashionMnist(spark);
        StringBuilder md = new StringBuilder();
        List<Run> one = new ArrayList<>();
        List<Run> two = new ArrayList<>();
        // one discarded warm-up run (JIT, Spark and ND4J initialisation), then the order alternates per repetition
        run(spark, data, "balanced", "sogclr", 41, "-warmup", List.of("engine.workers=2", "probe.maxIterations=1"));
        for (int rep = 0; rep < 3; rep++) {
            long seed = 42 + rep;
            for (int workers : rep % 2 == 0 ? new int[] {1, 2} : new int[] {2, 1}) {
                (workers == 1 ? one : two).add(run(spark, data, "balanced", "sogclr", seed, "-w" + workers,
                        List.of("engine.workers=" + workers, "probe.maxIterations=1")));
            }
        }
        double[] s1 = one.stream().mapToDouble(Run::samplesPerSecond).toArray();
        double[] s2 = two.stream().mapToDouble(Run::samplesPerSecond).toArray();
        md.append(String.format(Locale.ROOT, "Training throughput (SogCLR, %s encoder, global batch 256, balanced set, "
                        + "%d epochs,"
                        + " samples/s of the training loop as the job reports it, a discarded warm-up run, then 3"
                        + " repetitions in alternating order):"
                        + " 1 worker %s (mean %.0f); 2 workers %s (mean %.0f); 2 workers / 1 worker = %.2fx.%n",
                encoderName(), EPOCHS,
                join(s1, "%.0f"), mean(s1), join(s2, "%.0f"), mean(s2), mean(s2) / mean(s1)));
        System.out.println(md);
        BenchmarkFile.write("benchmarks-contrastive.md", "contrastive-throughput", "Throughput of train-contrastive"
                        + " on 2 workers vs 1",
                BenchmarkFile.command("ContrastiveBench#workerThroughput"), load, md.toString());
    }

    /** The prepared Fashion-MNIST dataset under {@code OUT}, prepared on first use. */
    static String preparedFashionMnist(SparkSession spark) throws Exception {
        String data = Path.of(OUT, "fashion-mnist").toAbsolutePath().toString();
        if (!Files.exists(Path.of(data, PreparedDataset.MANIFEST))) {
            Sparktrain.run(spark, "prepare", "source: fashion-mnist\noutput: " + data + "\n");
        }
        return data;
    }

    static Run run(SparkSession spark, String data, String set, String method, long seed) throws Exception {
        return run(spark, data, set, method, seed, "", List.of());
    }

    /** One train-contrastive run; {@code tag} distinguishes run ids, {@code extra} overrides come last. */
    static Run run(SparkSession spark, String data, String set, String method, long seed, String tag,
                   List<String> extra) throws Exception {
        String runId = set + "-" + method + "-" + seed + tag;
        Path config = Path.of("..", "deploy", "configs", "train-contrastive-" + method + "-fashion-mnist.yaml");
        List<String> o = new ArrayList<>(List.of("data.dataset=" + data, "output=" + Path.of(OUT, "runs")
                        .toAbsolutePath(), "runId=" + runId, "engine.epochs=" + EPOCHS, "engine.seed=" + seed,
                "engine.checkpointEvery=0", "model.encoder=" + ENCODER,
                "model.encoderHidden=" + ENCODER_HIDDEN, "engine.logEvery=1000",
                "probe.maxIterations=" + PROBE_ITERATIONS,
                // the optimizer of every table in docs/benchmarks-contrastive.md, pinned here because the shipped
                // configs' default is no longer Adam (docs/benchmarks-optimizers.md, ContrastiveOptimizerBench)
                "optimizer.type=adam", "optimizer.learningRate=0.001"));
        o.addAll(set.equals("balanced") ? List.of("data.maxPerClass=" + PER_CLASS)
                : List.of("data.maxPerClass=" + LT_HEAD, "data.imbalanceRatio=100"));
        if (method.equals("isogclr")) {
            o.addAll(ISOGCLR);
        }
        o.addAll(extra);
        long t0 = System.nanoTime();
        Sparktrain.run(spark, "train-contrastive", Files.readString(config), o.toArray(String[]::new));
        double seconds = (System.nanoTime() - t0) / 1e9;
        JsonNode eval = new ObjectMapper().readTree(Path.of(OUT, "runs", runId, "eval.json").toFile());
        JsonNode counts = eval.get("trainClassCounts");
        long[] c = new long[counts.size()];
        for (int k = 0; k < c.length; k++) {
            c[k] = counts.get(k).asLong();
        }
        double[] tau = null;
        if (eval.has("temperatures")) {
            JsonNode per = eval.get("temperatures").get("perClass");
            tau = new double[per.size()];
            for (int k = 0; k < tau.length; k++) {
                tau[k] = per.get(k).get("meanTau").asDouble();
            }
        }
        double rho = eval.has("spearmanMeanTauVsClassSize") ? eval.get("spearmanMeanTauVsClassSize").asDouble()
                : Double.NaN;
        double samplesPerSecond = Double.NaN;
        for (String line : Files.readAllLines(Path.of(OUT, "runs", runId, "metrics.jsonl"))) {
            JsonNode record = new ObjectMapper().readTree(line);
            if (record.has("samplesPerSecond")) {
                samplesPerSecond = record.get("samplesPerSecond").asDouble();
            }
        }
        double full = eval.has("fullTrainProbe") ? eval.get("fullTrainProbe").get("accuracy").asDouble() : Double.NaN;
        Run r = new Run(set, method, seed, eval.get("accuracy").asDouble(), rho, tau, c, seconds, samplesPerSecond,
                full);
        System.out.printf(Locale.ROOT, "[bench] %s %s seed %d: probe top-1 %.4f, spearman %.3f, %.0f s%n", set,
                method, seed, r.accuracy(), r.spearman(), seconds);
        return r;
    }

    static String table(List<Run> runs) {
        StringBuilder md = new StringBuilder();
        md.append("| training set | method | probe top-1 per seed | mean ± sd | Spearman(mean τ per class, class size)"
                + " per seed | run time per seed (s, incl. probe) |\n|---|---|---|---|---|---|\n");
        for (String set : List.of("balanced", "long-tailed")) {
            for (String method : METHODS) {
                List<Run> rs = runs.stream().filter(r -> r.set().equals(set) && r.method().equals(method)).toList();
                if (rs.isEmpty()) {
                    continue;
                }
                double[] acc = rs.stream().mapToDouble(Run::accuracy).toArray();
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.4f ± %.4f | %s | %s |%n", set, method,
                        join(acc, "%.4f"), mean(acc), sd(acc),
                        method.equals("isogclr") ? join(rs.stream().mapToDouble(Run::spearman).toArray(), "%+.3f")
                                : "–", join(rs.stream().mapToDouble(Run::seconds).toArray(), "%.0f")));
            }
        }
        md.append("\nMean learned τ per class (iSogCLR, classes 0–9, first seed) and the training class sizes:\n\n");
        for (Run r : runs) {
            if (r.meanTau() != null && r.method().equals("isogclr") && r.seed() == runs.get(0).seed()) {
                md.append("- ").append(r.set()).append(": τ ").append(join(r.meanTau(), "%.3f")).append("; sizes ")
                        .append(java.util.Arrays.toString(r.classCounts())).append('\n');
            }
        }
        md.append(String.format(Locale.ROOT, "%nSetup: Fashion-MNIST from /usr/share/datasets/fashion-mnist "
                + "(`prepare`). Balanced set: %d training images per class (seeded hash of the id), trimmed to whole "
                + "global batches. Long-tailed set: `data.maxPerClass=%d`, `data.imbalanceRatio=100` (class k "
                + "keeps round(%d·100^(−k/9))), trimmed likewise. The test split (10,000, balanced) scores the "
                + "linear probe (MLlib multinomial logistic regression, %d L-BFGS iterations, on the frozen 128-d "
                + "features, trained on the same training records). Every run: the shipped configs `deploy/configs/train-contrastive-"
                + "{simclr,sogclr,isogclr}-fashion-mnist.yaml` (τ 0.2 for SimCLR/SogCLR and as iSogCLR's initial "
                + "τ_i, τ_i ∈ [0.05, 0.7], γ 0.9, Adam 1e-3, default augmentations) with %s encoder width %s, "
                + "%d epochs, global batch 256 on 2 workers (allreduce, local[2]); iSogCLR with %s (LibAUC's "
                + "CIFAR-10 tutorial values). Seeds %d..%d drive initialisation, batch order, augmentations and the "
                + "subsets. Run times include Spark set-up and the probe, on a machine shared with other agents.%n",
                PER_CLASS, LT_HEAD, LT_HEAD, PROBE_ITERATIONS, encoderName(), ENCODER_HIDDEN, EPOCHS,
                String.join(", ", ISOGCLR), 42, 42 + SEEDS - 1));
        return md.toString();
    }

    /** The encoder as the blocks' setup text names it. */
    static String encoderName() {
        return ENCODER.equals("mlp") ? "MLP" : ENCODER;
    }

    static String join(double[] v, String fmt) {
        StringBuilder s = new StringBuilder();
        for (double x : v) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, fmt, x));
        }
        return s.toString();
    }

    static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    static double sd(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (v.length - 1));
    }
}

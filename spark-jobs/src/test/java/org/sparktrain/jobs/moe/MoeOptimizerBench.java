package org.sparktrain.jobs.moe;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.api.Sparktrain;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.testing.BenchmarkFile;
import org.sparktrain.testing.SharedSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a unit test; runs only with {@code SPARKTRAIN_BENCH=1}): learning-rate-free optimizers at their
 * defaults against Adam tuned by a sweep of 5 learning rates on {@code train-moe}'s MoE classifier (the shipped
 * model: d = 64, 2 MoE blocks, 8 routed experts, top-2, expert width 64, sigmoid scores; loss-free balancing with
 * u = 1e-3), MNIST, 2 workers with allreduce on local[2], global batch 128, equal steps for every optimizer. Quality
 * is test accuracy and MaxVio_global (loads of the whole test split with the final routing biases) at each
 * optimizer's evaluation point; compute is the engine's training time, and tuned Adam's cost is its whole sweep.
 * Writes its section of {@code docs/benchmarks-optimizers.md}.
 *
 * <p>Size: the first {@code SPARKTRAIN_BENCH_MOE_RECORDS} (default 20,000) training images by id for
 * {@code SPARKTRAIN_BENCH_MOE_EPOCHS} (default 1) epochs, so that the 8 runs fit in about 10 minutes on the shared
 * 2-core machine.
 *
 * <p>{@code SPARKTRAIN_BENCH_MOE_OPT_MODEL=lm} runs the same comparison on the MoE language model instead
 * ({@code train-moe-lm-cranfield.yaml}'s model, loss-free sign rule u = 1e-3, global batch 32 windows, seed 42,
 * {@code SPARKTRAIN_BENCH_MOE_LM_EPOCHS} epochs, default 2 = 452 steps; the run code of {@link MoeBalancingBench}):
 * Adam swept over {@code SPARKTRAIN_BENCH_MOE_OPT_LM_SWEEP} (default 5e-4,1e-3,2e-3,4e-3,8e-3), quality is the
 * held-out perplexity, and tuned Adam is the sweep's lowest. Writes the block {@code moe-lm-optimizers}, or
 * {@code SPARKTRAIN_BENCH_MOE_OPT_LM_BLOCK} (e.g. for a longer run beside the 452-step one).
 * {@code SPARKTRAIN_BENCH_MOE_OPT_LM_FREE} lists the learning-rate-free optimizers to run (default
 * schedule-free-adamw,prodigy,dog) and {@code SPARKTRAIN_BENCH_MOE_OPT_LM_SCHEDULE} ({@code constant}, the default,
 * or {@code cosine}) the schedule of the Adam sweep and of the learning-rate-free types whose spec allows one
 * (Prodigy and D-Adaptation: "none, or cosine with T_max = total steps"); DoG and Schedule-Free always run without
 * one, as their specs say.
 */
@ExtendWith(SharedSpark.class)
@EnabledIfEnvironmentVariable(named = "SPARKTRAIN_BENCH", matches = "1")
class MoeOptimizerBench {
    static final String OUT = System.getenv().getOrDefault("SPARKTRAIN_BENCH_DIR", "target/optimizer-bench");
    static final int RECORDS = Integer.parseInt(System.getenv().getOrDefault("SPARKTRAIN_BENCH_MOE_RECORDS", "20000"));
    static final int EPOCHS = Integer.parseInt(System.getenv().getOrDefault("SPARKTRAIN_BENCH_MOE_EPOCHS", "1"));
    static final int BATCH = 128;
    static final double[] ADAM_SWEEP = {3e-4, 1e-3, 3e-3, 1e-2, 3e-2};
    static final List<String> FREE = List.of("schedule-free-adamw", "prodigy", "dog");
    /** Empty (SPARKTRAIN_BENCH_MOE_OPT_LM_FREE=) runs only the Adam sweep, e.g. to add rates to a block's runs. */
    static final List<String> LM_FREE = Arrays.stream(System.getenv().getOrDefault("SPARKTRAIN_BENCH_MOE_OPT_LM_FREE",
            String.join(",", FREE)).split(",")).filter(t -> !t.isBlank()).toList();
    static final String LM_SCHEDULE = System.getenv().getOrDefault("SPARKTRAIN_BENCH_MOE_OPT_LM_SCHEDULE", "constant");

    record Run(String name, double accuracy, double maxVio, double seconds, long steps) {
    }

    static Run run(SparkSession spark, String name, OptimizerConfig optimizer, Dataset<Row> train, Dataset<Row> test)
            throws Exception {
        MoeClassifierFactory factory = new MoeClassifierFactory(MoeModelConfig.defaults(), BalancingConfig.defaults(),
                784, 10, 42);
        EngineConfig cfg = new EngineConfig(2, EngineConfig.ALLREDUCE, 1, BATCH, EPOCHS, 42L, 0, 1, 1000, 1, 600, 60, 0);
        TrainingResult r = new TrainingEngine(spark, cfg, optimizer).train(new TrainingSpec("moe-opt-" + name,
                Files.createTempDirectory("moe-bench").toString(), train, "mnist",
                List.of(ColumnSpec.of(PreparedDataset.FEATURES, 784), ColumnSpec.of(PreparedDataset.LABEL, 1)),
                factory, factory.state(), false, null, null));
        MoeEvaluation m = MoeEvaluator.evaluate(spark, test, factory, r.evalParams(), r.state().globalState());
        System.out.printf(Locale.ROOT, "%-24s accuracy %.4f MaxVio_global %.3f in %.1f s%n", name, m.accuracy(),
                m.maxVioGlobal(), r.trainSeconds());
        return new Run(name, m.accuracy(), m.maxVioGlobal(), r.trainSeconds(), r.state().globalStep());
    }

    @Test
    void learningRateFreeDefaultsVersusTunedAdam(SparkSession spark) throws Exception {
        if ("lm".equals(System.getenv("SPARKTRAIN_BENCH_MOE_OPT_MODEL"))) {
            languageModel(spark);
            return;
        }
        double load = BenchmarkFile.load();
        String data = Path.of(OUT, "mnist").toAbsolutePath().toString();
        if (!Files.exists(Path.of(data, PreparedDataset.MANIFEST))) {
            Sparktrain.run(spark, "prepare", "source: mnist\noutput: " + data + "\n");
        }
        Dataset<Row> train = PreparedDataset.readSplit(spark, data, "train")
                .filter(functions.col(PreparedDataset.ID).lt(RECORDS)).cache();
        Dataset<Row> test = PreparedDataset.readSplit(spark, data, "test").cache();
        long n = train.count();
        test.count();
        List<Run> sweep = new ArrayList<>();
        for (double lr : ADAM_SWEEP) {
            sweep.add(run(spark, String.format(Locale.ROOT, "adam lr=%.1e", lr), OptimizerConfig.of("adam", lr),
                    train, test));
        }
        Run best = sweep.stream().max((a, b) -> Double.compare(a.accuracy(), b.accuracy())).orElseThrow();
        double sweepSeconds = sweep.stream().mapToDouble(Run::seconds).sum();
        List<Run> free = new ArrayList<>();
        for (String type : FREE) {
            free.add(run(spark, type, OptimizerConfig.defaults(type), train, test));
        }
        StringBuilder md = new StringBuilder("| optimizer | setting | test accuracy | gap to tuned Adam (points) | "
                + "MaxVio_global | training time (s) | compute incl. sweep (s) |\n|---|---|---|---|---|---|---|\n");
        for (Run r : sweep) {
            md.append(String.format(Locale.ROOT, "| %s | sweep%s | %.2f%% | %+.2f | %.3f | %.1f | |%n", r.name(),
                    r == best ? " (best)" : "", 100 * r.accuracy(), 100 * (r.accuracy() - best.accuracy()),
                    r.maxVio(), r.seconds()));
        }
        md.append(String.format(Locale.ROOT, "| **tuned Adam** | best of %d | %.2f%% | 0 | %.3f | %.1f | %.1f |%n",
                sweep.size(), 100 * best.accuracy(), best.maxVio(), best.seconds(), sweepSeconds));
        for (Run r : free) {
            md.append(String.format(Locale.ROOT, "| %s | defaults | %.2f%% | %+.2f | %.3f | %.1f | %.1f |%n", r.name(),
                    100 * r.accuracy(), 100 * (r.accuracy() - best.accuracy()), r.maxVio(), r.seconds(), r.seconds()));
        }
        long within = free.stream().filter(r -> best.accuracy() - r.accuracy() <= 0.01).count();
        md.append(String.format(Locale.ROOT, "%nMNIST: the first %d training images (by id) for %d epoch(s) = %d steps "
                        + "at global batch %d, evaluated on the 10,000 test images; 2 workers (allreduce) on local[2], "
                        + "seed 42, one seed. Adam swept over learning rates %s (constant); the learning-rate-free "
                        + "optimizers run at their defaults (no key set). Accuracy and MaxVio_global at each "
                        + "optimizer's evaluation point (Schedule-Free's x, DoG's average) with the final routing "
                        + "biases. %d of %d learning-rate-free optimizers are within 1 point of tuned Adam.%n",
                n, EPOCHS, best.steps(), BATCH, Arrays.toString(ADAM_SWEEP), within,
                free.size()));
        System.out.println(md);
        BenchmarkFile.write("benchmarks-optimizers.md", "moe", "MoE classifier (train-moe) on MNIST: "
                        + "learning-rate-free optimizers at defaults vs tuned Adam",
                BenchmarkFile.command("MoeOptimizerBench"), load, md.toString());
    }

    /**
     * The comparison on the MoE language model (Cranfield): lower held-out perplexity is better. The
     * learning-rate-free optimizers run first, then the Adam sweep in the order given; the block is rewritten after
     * every run, so a run stopped early still leaves what it measured (and says which runs are missing).
     */
    static void languageModel(SparkSession spark) throws Exception {
        double load = BenchmarkFile.load();
        double[] lrs = Arrays.stream(System.getenv().getOrDefault("SPARKTRAIN_BENCH_MOE_OPT_LM_SWEEP",
                "5e-4,1e-3,2e-3,4e-3,8e-3").split(",")).mapToDouble(Double::parseDouble).toArray();
        MoeBalancingBench.Lm lm = MoeBalancingBench.corpus(spark);
        BalancingConfig lossFree = BalancingConfig.of(BalancingConfig.LOSS_FREE, 1e-3, 1e-3);
        java.util.Map<String, MoeBalancingBench.Run> free = new java.util.LinkedHashMap<>();
        java.util.TreeMap<Double, MoeBalancingBench.Run> adam = new java.util.TreeMap<>();
        for (String type : LM_FREE) {
            free.put(type, MoeBalancingBench.lmRun(spark, lm, MoeBalancingBench.LM, lossFree, 42,
                    MoeBalancingBench.LM_EPOCHS, lmSchedule(OptimizerConfig.defaults(type))));
            writeLm(lm, lrs, adam, free, load);
        }
        for (double lr : lrs) {
            adam.put(lr, MoeBalancingBench.lmRun(spark, lm, MoeBalancingBench.LM, lossFree, 42,
                    MoeBalancingBench.LM_EPOCHS, lmSchedule(OptimizerConfig.of("adam", lr))));
            writeLm(lm, lrs, adam, free, load);
        }
    }

    /**
     * The language-model run's optimizer with {@link #LM_SCHEDULE} applied where the type takes a schedule at its
     * defaults: Adam (the sweep), Prodigy and D-Adaptation (spec: none, or cosine over all steps); DoG and
     * Schedule-Free stay constant.
     */
    static OptimizerConfig lmSchedule(OptimizerConfig optimizer) {
        boolean takesSchedule = List.of("adam", "prodigy", "dadapt-adam", "dadapt-sgd").contains(optimizer.type());
        return takesSchedule && !"constant".equals(LM_SCHEDULE) ? optimizer.withSchedule(LM_SCHEDULE, 0) : optimizer;
    }

    /** Writes the block {@code moe-lm-optimizers} from the runs finished so far. */
    static void writeLm(MoeBalancingBench.Lm lm, double[] lrs, java.util.TreeMap<Double, MoeBalancingBench.Run> adam,
                        java.util.Map<String, MoeBalancingBench.Run> free, double load) {
        MoeBalancingBench.Run tuned = adam.values().stream()
                .min((a, b) -> Double.compare(a.quality(), b.quality())).orElse(null);
        double ref = tuned == null ? Double.NaN : tuned.quality();
        double sweepSeconds = adam.values().stream().mapToDouble(MoeBalancingBench.Run::seconds).sum();
        StringBuilder md = new StringBuilder("| optimizer | setting | held-out perplexity | vs tuned Adam | "
                + "MaxVio_global | training time (s) | compute incl. sweep (s) |\n|---|---|---|---|---|---|---|\n");
        for (var e : adam.entrySet()) {
            MoeBalancingBench.Run r = e.getValue();
            md.append(String.format(Locale.ROOT, "| adam lr=%.1e | %s | %.2f | %+.2f%% | %.3f | %.1f | |%n", e.getKey(),
                    r == tuned ? "sweep (best)" : "sweep", r.quality(), 100 * (r.quality() / ref - 1),
                    r.eval().maxVioGlobal(), r.seconds()));
        }
        if (tuned != null) {
            md.append(String.format(Locale.ROOT, "| **tuned Adam** | best of %d | %.2f | 0 | %.3f | %.1f | %.1f |%n",
                    adam.size(), tuned.quality(), tuned.eval().maxVioGlobal(), tuned.seconds(), sweepSeconds));
        }
        for (var e : free.entrySet()) {
            MoeBalancingBench.Run r = e.getValue();
            md.append(String.format(Locale.ROOT, "| %s | defaults | %.2f | %+.2f%% | %.3f | %.1f | %.1f |%n", e.getKey(),
                    r.quality(), 100 * (r.quality() / ref - 1), r.eval().maxVioGlobal(), r.seconds(), r.seconds()));
        }
        long within = free.values().stream().filter(r -> r.quality() <= 1.01 * ref).count();
        List<String> missing = new ArrayList<>();
        for (String type : LM_FREE) {
            if (!free.containsKey(type)) {
                missing.add(type);
            }
        }
        for (double lr : lrs) {
            if (!adam.containsKey(lr)) {
                missing.add(String.format(Locale.ROOT, "adam lr=%.1e", lr));
            }
        }
        long steps = java.util.stream.Stream.concat(free.values().stream(), adam.values().stream()).findFirst()
                .orElseThrow().steps();
        md.append(String.format(Locale.ROOT, "%nMoE language model as shipped (deploy/configs/train-moe-lm-cranfield"
                        + ".yaml: causal MLP-Mixer, d = 64, 2 blocks, N = 8, K = 2, expert width 64, sigmoid scores), "
                        + "Cranfield, %d training windows for %d epoch(s) = %d steps at global batch %d windows, "
                        + "loss-free balancing (sign rule, u = 1e-3), seed 42, one seed; 2 workers (allreduce) on "
                        + "local[2]. Held-out perplexity and MaxVio_global on the %d held-out windows at each "
                        + "optimizer's evaluation point (Schedule-Free's x, DoG's average) with the final routing "
                        + "biases. Adam at a %s learning rate swept over %s; tuned Adam is the lowest held-out "
                        + "perplexity of the sweep (the same split the table reports, so it is optimistic for Adam). "
                        + "%d of %d learning-rate-free optimizers at their defaults are within 1%% of tuned Adam's "
                        + "perplexity.%s%n", lm.train().count(), MoeBalancingBench.LM_EPOCHS, steps,
                MoeBalancingBench.LM_BATCH, lm.corpus().validationWindows().size(), "constant".equals(LM_SCHEDULE)
                        ? "constant" : LM_SCHEDULE + "-decayed (over all steps, no warm-up; also Prodigy's and "
                        + "D-Adaptation's, not DoG's or Schedule-Free's)", Arrays.toString(lrs), within,
                free.size(), missing.isEmpty() ? "" : " **Not run (stopped before them): " + String.join(", ", missing)
                        + ".**"));
        System.out.println(md);
        String block = System.getenv().getOrDefault("SPARKTRAIN_BENCH_MOE_OPT_LM_BLOCK", "moe-lm-optimizers");
        BenchmarkFile.write("benchmarks-optimizers.md", block, "MoE language model (train-moe, "
                        + "moe-lm) on Cranfield, " + steps + " steps" + ("constant".equals(LM_SCHEDULE) ? "" : ", "
                        + LM_SCHEDULE + " schedule") + ": learning-rate-free optimizers at defaults vs "
                        + "tuned Adam",
                BenchmarkFile.command("MoeOptimizerBench"), load, md.toString());
    }
}

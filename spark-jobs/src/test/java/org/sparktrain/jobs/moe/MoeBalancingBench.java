package org.sparktrain.jobs.moe;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.api.Sparktrain;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.EngineState;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingListener;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.testing.BenchmarkFile;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.zoo.moe.MaxVio;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Benchmark of issue 6 (not a unit test; runs only with {@code SPARKTRAIN_BENCH=1}): loss-free balancing vs the
 * aux loss (α = 1e-3) vs no balancing, at equal steps, batch and seeds, on the MoE language model (Cranfield
 * documents) and the MoE classifier (MNIST); a sweep of the update rate u; and the step time of the MoE model
 * against a dense model with the same active parameters, measured side by side (alternating runs) in this run.
 * Writes the blocks {@code moe-lm}, {@code moe-cost}, {@code moe-classifier}, {@code moe-rate-sweep} and
 * {@code moe-magnitude-rule} of {@code docs/benchmarks-moe.md}, each as soon as its part has finished.
 *
 * <p>Per run: the quality (held-out perplexity, or test accuracy), MaxVio_global (loads of the whole held-out /
 * test split with the final biases, layer mean), MaxVio_batch per step summarised as the means over the five
 * fifths of training, the MaxVio of the loads summed over the last fifth of the training steps (what the bias
 * update sees, to tell a train/validation difference from an unsettled bias), and max |b| / (u · steps): 1 means
 * some bias moved the same way at every step, i.e. it had not settled yet.
 *
 * <p>Sizes (environment): {@code SPARKTRAIN_BENCH_MOE_PARTS} (default {@code lm,cost,classifier,sweep}; also
 * {@code magnitude} and {@code lmvariants}),
 * {@code SPARKTRAIN_BENCH_MOE_SEEDS} (42,7,1), {@code SPARKTRAIN_BENCH_MOE_LM_WINDOWS} (training windows used,
 * default all), {@code SPARKTRAIN_BENCH_MOE_LM_EPOCHS} (2), {@code SPARKTRAIN_BENCH_MOE_RECORDS} (MNIST training
 * images, default 60,000), {@code SPARKTRAIN_BENCH_MOE_EPOCHS} (classifier epochs, 1),
 * {@code SPARKTRAIN_BENCH_MOE_COST_STEPS} (steps per cost run, 40), {@code SPARKTRAIN_BENCH_MOE_SWEEP_SEEDS} (42),
 * {@code SPARKTRAIN_BENCH_MOE_SWEEP_RATES} (1e-4,1e-3,1e-2), {@code SPARKTRAIN_BENCH_MOE_MAGNITUDE_RATES} (rates u of
 * the part {@code magnitude}, the loss-free magnitude rule on the classifier for the seeds above, default 1e-4),
 * {@code SPARKTRAIN_BENCH_CRANFIELD} (the raw collection, default {@code ../../shared/data/cranfield}),
 * {@code SPARKTRAIN_BENCH_MOE_EVAL_EVERY} /
 * {@code SPARKTRAIN_BENCH_MOE_LM_EVAL_EVERY} (classifier / language model: also evaluate MaxVio_global and the
 * quality on the whole test / held-out split every that many steps and tabulate the curve; 0 = only at the end),
 * {@code SPARKTRAIN_BENCH_MOE_LM_DIAGNOSTIC} (0 skips the language model's u = 1e-2 diagnostic run),
 * {@code SPARKTRAIN_BENCH_MOE_LM_BLOCK} (name of the language model's block, default {@code moe-lm}),
 * {@code SPARKTRAIN_BENCH_MOE_LM_LR} (the language model's Adam learning rate, default 2e-3, the shipped config's
 * until 2026-11-29; it now ships 1.6e-2 with cosine decay and 6 epochs),
 * {@code SPARKTRAIN_BENCH_MOE_LM_SCHEDULE} (its schedule: constant (default), cosine or linear decay to 0),
 * {@code SPARKTRAIN_BENCH_MOE_LM_GAP} (1: part lmvariants also runs {@link HeldOutGapCheck} after every run),
 * {@code SPARKTRAIN_BENCH_MOE_LM_VARIANTS} (part {@code lmvariants}: loss-free {@code rule:u} entries run on the
 * language model, default {@code sign:1e-4,sign:1e-2,magnitude:1e-5}) and {@code SPARKTRAIN_BENCH_MOE_LM_VARIANTS_BLOCK}
 * (its block, default {@code moe-lm-variants}), {@code SPARKTRAIN_BENCH_MOE_LM_VARIANTS_AUX} (1: part
 * {@code lmvariants} also runs the aux loss, α = 1e-3, for every seed, so its block holds the paired difference),
 * {@code SPARKTRAIN_BENCH_MOE_STRATEGIES} (strategies of the parts {@code lm} and {@code classifier}, default
 * {@code loss-free,aux,none}).
 *
 * <p>Memory on the shared machine: the default test JVM (6 GiB heap, 6 GiB ND4J off-heap) was killed by the kernel's
 * OOM killer next to the other agents' JVMs. Run with
 * {@code "-Dsparktrain.test.heap=-Xmx2g -Dorg.bytedeco.javacpp.maxBytes=1500M -Dorg.bytedeco.javacpp.maxPhysicalBytes=5G"}:
 * JavaCPP reads the camel-case property after the lower-case one the pom sets, so it wins (the log's
 * {@code OffHeapMemory} line shows the limit in force).
 */
@ExtendWith(SharedSpark.class)
@EnabledIfEnvironmentVariable(named = "SPARKTRAIN_BENCH", matches = "1")
class MoeBalancingBench {
    static final String OUT = env("SPARKTRAIN_BENCH_DIR", "target/moe-bench");
    static final List<String> PARTS = List.of(env("SPARKTRAIN_BENCH_MOE_PARTS", "lm,cost,classifier,sweep").split(","));
    static final long[] SEEDS = Arrays.stream(env("SPARKTRAIN_BENCH_MOE_SEEDS", "42,7,1").split(","))
            .mapToLong(Long::parseLong).toArray();
    static final long[] SWEEP_SEEDS = Arrays.stream(env("SPARKTRAIN_BENCH_MOE_SWEEP_SEEDS", "42").split(","))
            .mapToLong(Long::parseLong).toArray();
    static final int LM_WINDOWS = Integer.parseInt(env("SPARKTRAIN_BENCH_MOE_LM_WINDOWS", "0"));
    static final int LM_EPOCHS = Integer.parseInt(env("SPARKTRAIN_BENCH_MOE_LM_EPOCHS", "2"));
    static final int RECORDS = Integer.parseInt(env("SPARKTRAIN_BENCH_MOE_RECORDS", "60000"));
    static final int EPOCHS = Integer.parseInt(env("SPARKTRAIN_BENCH_MOE_EPOCHS", "1"));
    static final int COST_STEPS = Integer.parseInt(env("SPARKTRAIN_BENCH_MOE_COST_STEPS", "40"));
    static final int EVAL_EVERY = Integer.parseInt(env("SPARKTRAIN_BENCH_MOE_EVAL_EVERY", "0"));
    static final int LM_EVAL_EVERY = Integer.parseInt(env("SPARKTRAIN_BENCH_MOE_LM_EVAL_EVERY", "0"));
    static final double[] SWEEP_RATES = Arrays.stream(env("SPARKTRAIN_BENCH_MOE_SWEEP_RATES", "1e-4,1e-3,1e-2")
            .split(",")).mapToDouble(Double::parseDouble).toArray();
    static final double[] MAGNITUDE_RATES = Arrays.stream(env("SPARKTRAIN_BENCH_MOE_MAGNITUDE_RATES", "1e-4")
            .split(",")).mapToDouble(Double::parseDouble).toArray();
    static final boolean LM_DIAGNOSTIC = !"0".equals(env("SPARKTRAIN_BENCH_MOE_LM_DIAGNOSTIC", "1"));
    static final String LM_BLOCK = env("SPARKTRAIN_BENCH_MOE_LM_BLOCK", "moe-lm");
    static final List<String> LM_VARIANTS = List.of(env("SPARKTRAIN_BENCH_MOE_LM_VARIANTS",
            "sign:1e-4,sign:1e-2,magnitude:1e-5").split(","));
    static final String LM_VARIANTS_BLOCK = env("SPARKTRAIN_BENCH_MOE_LM_VARIANTS_BLOCK", "moe-lm-variants");
    /** Part lmvariants: also run {@link HeldOutGapCheck} after every run (SPARKTRAIN_BENCH_MOE_LM_GAP=1). */
    static final boolean LM_GAP = "1".equals(env("SPARKTRAIN_BENCH_MOE_LM_GAP", "0"));
    /** Part lmvariants: also run the aux loss (α = 1e-3) for every seed (SPARKTRAIN_BENCH_MOE_LM_VARIANTS_AUX=1). */
    static final boolean LM_VARIANTS_AUX = "1".equals(env("SPARKTRAIN_BENCH_MOE_LM_VARIANTS_AUX", "0"));
    /** The {@link HeldOutGapCheck} rows of the runs so far (label, seed, MaxVio on held-out, train and groups). */
    static final List<String> GAP_ROWS = new ArrayList<>();
    /** The paper's goal for loss-free balancing (Wang et al. 2024, Table 2: 0.04). */
    static final double GOAL = 0.1;
    static final String CRANFIELD = env("SPARKTRAIN_BENCH_CRANFIELD", "../../shared/data/cranfield");
    /** The command as run, with every SPARKTRAIN_BENCH_* setting of this run's environment. */
    static final String COMMAND = BenchmarkFile.command("MoeBalancingBench");
    static final String DOC = "benchmarks-moe.md";

    /** The recorded command of a block written by {@code part}; says how to run that part alone if the run did not. */
    static String command(String part) {
        return COMMAND + (System.getenv("SPARKTRAIN_BENCH_MOE_PARTS") == null ? " (part " + part
                + "; SPARKTRAIN_BENCH_MOE_PARTS=" + part + " runs it alone)" : "");
    }
    static final List<String> STRATEGIES = List.of(env("SPARKTRAIN_BENCH_MOE_STRATEGIES",
            BalancingConfig.LOSS_FREE + "," + BalancingConfig.AUX + "," + BalancingConfig.NONE).split(","));
    /** The shipped language model (deploy/configs/train-moe-lm-cranfield.yaml): T = 32, d = 64, 2 blocks, N = 8, K = 2. */
    static final MoeModelConfig LM = new MoeModelConfig(MoeModelConfig.LANGUAGE_MODEL, 64, 2, 8, 2, 64, 0, null,
            "sigmoid", false, null, 0, 32);
    /** Dense counterpart: one expert of width K·h, always chosen: the same active parameters per token. */
    static final MoeModelConfig LM_DENSE = new MoeModelConfig(MoeModelConfig.LANGUAGE_MODEL, 64, 2, 1, 1, 128, 0, null,
            "sigmoid", false, null, 0, 32);
    static final TextConfig TEXT = new TextConfig("corpus", 10, 2, 2000);
    static final int LM_BATCH = 32;
    /** Adam's learning rate for the language model (SPARKTRAIN_BENCH_MOE_LM_LR; the shipped config's 2e-3 until 2026-11-29). */
    static final String LM_LR = env("SPARKTRAIN_BENCH_MOE_LM_LR", "2e-3");
    /** The Adam rate's schedule (SPARKTRAIN_BENCH_MOE_LM_SCHEDULE: constant, cosine or linear to 0). */
    static final String LM_SCHEDULE = env("SPARKTRAIN_BENCH_MOE_LM_SCHEDULE", "constant");
    static final OptimizerConfig LM_OPTIMIZER = new OptimizerConfig("adam", Double.parseDouble(LM_LR), null, null,
            null, null, LM_SCHEDULE, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null);
    /** "Adam 8e-3", plus the schedule when it is not constant, for the blocks' setup lines. */
    static final String LM_ADAM = "Adam " + LM_LR + ("constant".equals(LM_SCHEDULE) ? "" : " (" + LM_SCHEDULE
            + " decay to 0 over the run)");
    static final MoeModelConfig CLS = MoeModelConfig.defaults();
    static final MoeModelConfig CLS_DENSE = new MoeModelConfig(null, 64, 2, 1, 1, 128, 0, null, "sigmoid", false,
            null, 0, null);
    static final int CLS_BATCH = 128;
    static final OptimizerConfig CLS_OPTIMIZER = OptimizerConfig.defaults("schedule-free-adamw");

    static String env(String key, String fallback) {
        return System.getenv().getOrDefault(key, fallback);
    }

    /** One finished run. */
    record Run(String strategy, String rule, double rate, long seed, double quality, MoeEvaluation eval, double[] batchFifths,
               double lastFifthMaxVio, double biasSettle, double seconds, long steps, List<CurvePoint> curve) {
    }

    /** MaxVio_global and quality on the whole held-out / test split after {@code step} training steps. */
    record CurvePoint(long step, double maxVioGlobal, double quality) {
    }

    /** Evaluates the model of an engine state on the whole held-out / test split. */
    interface StateEvaluator {
        MoeEvaluation evaluate(float[] evalParams, float[] bias);
    }

    /**
     * MaxVio_global against the training step: evaluates the whole held-out / test split (the same split and code as
     * the final evaluation) at every round end whose step is a multiple of {@code every}; the engine ends a round
     * there because the run's {@code checkpointEvery} is set to {@code every}. Runs on the driver between rounds.
     */
    static final class CurveRecorder implements TrainingListener {
        final int every;
        final StateEvaluator evaluator;
        final java.util.function.ToDoubleFunction<MoeEvaluation> quality;
        final List<CurvePoint> points = new ArrayList<>();

        CurveRecorder(int every, StateEvaluator evaluator, java.util.function.ToDoubleFunction<MoeEvaluation> quality) {
            this.every = every;
            this.evaluator = evaluator;
            this.quality = quality;
        }

        @Override
        public void onRoundEnd(EngineState state) {
            if (every > 0 && state.globalStep() % every == 0) {
                MoeEvaluation e = evaluator.evaluate(state.evalParams(), state.globalState());
                points.add(new CurvePoint(state.globalStep(), e.maxVioGlobal(), quality.applyAsDouble(e)));
                System.out.printf(Locale.ROOT, "[moe-bench]   step %d: MaxVio_global %.3f (layers %s) quality %.4f%n",
                        state.globalStep(), e.maxVioGlobal(), layers(e), quality.applyAsDouble(e));
            }
        }

        /** The recorded points, then the final evaluation unless it was recorded already. */
        List<CurvePoint> with(long steps, MoeEvaluation last) {
            List<CurvePoint> out = new ArrayList<>(points);
            if (out.isEmpty() || out.get(out.size() - 1).step() != steps) {
                out.add(new CurvePoint(steps, last.maxVioGlobal(), quality.applyAsDouble(last)));
            }
            return out;
        }
    }

    /** Collects MaxVio_batch per step, the loads of the last fifth of the steps and the bias range. */
    static final class BalanceRecorder implements TrainingListener {
        final MoeBalancingState state;
        final List<Double> maxVioBatch = new ArrayList<>();
        final List<double[]> loads = new ArrayList<>();

        BalanceRecorder(MoeBalancingState state) {
            this.state = state;
        }

        @Override
        public synchronized void onStep(long step, double lossSum, double weight, double[] stats) {
            maxVioBatch.add(MaxVio.meanOverLayers(stats, state.layers(), state.experts()));
            loads.add(Arrays.copyOf(stats, state.loadsSize()));
        }

        double[] fifths() {
            double[] out = new double[5];
            int n = maxVioBatch.size();
            for (int f = 0; f < 5; f++) {
                int from = f * n / 5;
                int to = Math.max(from + 1, (f + 1) * n / 5);
                out[f] = maxVioBatch.subList(from, Math.min(n, to)).stream().mapToDouble(Double::doubleValue)
                        .average().orElse(Double.NaN);
            }
            return out;
        }

        double lastFifthMaxVio() {
            double[] sum = new double[state.loadsSize()];
            for (double[] l : loads.subList(loads.size() - Math.max(1, loads.size() / 5), loads.size())) {
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += l[k];
                }
            }
            return MaxVio.meanOverLayers(sum, state.layers(), state.experts());
        }
    }

    static TrainingResult train(SparkSession spark, String name, TrainableFactory factory, MoeBalancingState state,
                                Dataset<Row> data, List<ColumnSpec> columns, int batch, int epochs, long seed,
                                OptimizerConfig optimizer, TrainingListener listener) throws Exception {
        return train(spark, name, factory, state, data, columns, batch, epochs, seed, optimizer, listener, 0);
    }

    /** {@code roundEvery} > 0: a round (and a checkpoint) ends every that many steps, for {@link CurveRecorder}. */
    static TrainingResult train(SparkSession spark, String name, TrainableFactory factory, MoeBalancingState state,
                                Dataset<Row> data, List<ColumnSpec> columns, int batch, int epochs, long seed,
                                OptimizerConfig optimizer, TrainingListener listener, int roundEvery) throws Exception {
        EngineConfig cfg = new EngineConfig(2, EngineConfig.ALLREDUCE, 1, batch, epochs, seed, roundEvery, 1, 1000, 1,
                600, 60, 0);
        return new TrainingEngine(spark, cfg, optimizer).train(new TrainingSpec("moe-bench-" + name,
                Files.createTempDirectory("moe-bench").toString(), data, name, columns, factory, state, false,
                listener, null));
    }

    static Run finish(BalancingConfig balancing, long seed, double quality, MoeEvaluation eval, BalanceRecorder rec,
                      TrainingResult r, List<CurvePoint> curve) {
        String strategy = balancing.strategy();
        double rate = balancing.rate();
        long steps = r.state().globalStep();
        double maxBias = 0;
        for (float b : r.state().globalState()) {
            maxBias = Math.max(maxBias, Math.abs(b));
        }
        double settle = BalancingConfig.LOSS_FREE.equals(strategy) && rate > 0 ? maxBias / (rate * steps) : Double.NaN;
        Run run = new Run(strategy, balancing.rule(), rate, seed, quality, eval, rec.fifths(), rec.lastFifthMaxVio(), settle,
                r.trainSeconds(), steps, curve);
        System.out.printf(Locale.ROOT, "[moe-bench] %-9s u=%.0e seed %d: quality %.4f MaxVio_global %.3f "
                        + "(layers %s) MaxVio_batch fifths %s last-fifth loads %.3f max|b|/(u*steps) %.2f, %d steps "
                        + "in %.1f s%n", strategy, rate, seed, quality, eval.maxVioGlobal(), layers(eval),
                Arrays.toString(round(run.batchFifths())), run.lastFifthMaxVio(), settle, steps, r.trainSeconds());
        return run;
    }

    static String layers(MoeEvaluation e) {
        StringBuilder s = new StringBuilder();
        for (int l = 0; l < e.layers(); l++) {
            s.append(l == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.3f", e.maxVio(l)));
        }
        return s.toString();
    }

    static int dead(MoeEvaluation e) {
        int d = 0;
        for (int l = 0; l < e.layers(); l++) {
            d += e.deadExperts(l);
        }
        return d;
    }

    static double[] round(double[] v) {
        return Arrays.stream(v).map(x -> Math.round(x * 1000) / 1000.0).toArray();
    }

    // ------------------------------------------------------------------------------------------------ language model

    record Lm(LmCorpus corpus, Dataset<Row> train, Dataset<Row> validation) {
    }

    static Lm corpus(SparkSession spark) throws Exception {
        String data = Path.of(OUT, "cranfield").toAbsolutePath().toString();
        if (!Files.exists(Path.of(data, PreparedDataset.MANIFEST))) {
            Sparktrain.run(spark, "prepare", "source: cranfield\ndir: " + Path.of(CRANFIELD).toAbsolutePath()
                    + "\noutput: " + data + "\n");
        }
        LmCorpus corpus = LmCorpus.read(spark, data, TEXT, LM.contextLength());
        List<int[]> windows = LM_WINDOWS > 0 && LM_WINDOWS < corpus.trainWindows().size()
                ? corpus.trainWindows().subList(0, LM_WINDOWS) : corpus.trainWindows();
        Dataset<Row> train = LmCorpus.toFrame(spark, windows).persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> validation = LmCorpus.toFrame(spark, corpus.validationWindows())
                .persist(StorageLevel.MEMORY_AND_DISK());
        train.count();
        validation.count();
        return new Lm(corpus, train, validation);
    }

    static Run lmRun(SparkSession spark, Lm lm, MoeModelConfig model, BalancingConfig balancing, long seed, int epochs)
            throws Exception {
        return lmRun(spark, lm, model, balancing, seed, epochs, LM_OPTIMIZER);
    }

    /** One language-model run with the given optimizer (the optimizer comparison, {@code MoeOptimizerBench}). */
    static Run lmRun(SparkSession spark, Lm lm, MoeModelConfig model, BalancingConfig balancing, long seed, int epochs,
                     OptimizerConfig optimizer) throws Exception {
        MoeLmFactory factory = new MoeLmFactory(model, balancing, lm.corpus().vocabulary().size(), seed);
        MoeBalancingState state = factory.state();
        BalanceRecorder rec = new BalanceRecorder(state);
        CurveRecorder curve = new CurveRecorder(LM_EVAL_EVERY, (p, b) -> MoeLmEvaluator.evaluate(spark,
                lm.validation(), factory, p, b), e -> Math.exp(e.meanLoss()));
        TrainingResult r = train(spark, "cranfield-" + balancing.strategy(), factory, state, lm.train(),
                List.of(ColumnSpec.of(LmCorpus.TOKENS, model.contextLength() + 1)), LM_BATCH, epochs, seed,
                optimizer, TrainingListener.all(rec, curve), LM_EVAL_EVERY);
        MoeEvaluation e = MoeLmEvaluator.evaluate(spark, lm.validation(), factory, r.evalParams(),
                r.state().globalState());
        Run run = finish(balancing, seed, Math.exp(e.meanLoss()), e, rec, r,
                curve.with(r.state().globalStep(), e));
        if (LM_GAP) {
            HeldOutGapCheck.Result g = HeldOutGapCheck.run(spark, lm, factory, r.evalParams(), r.state().globalState(),
                    e.maxVioGlobal());
            String row = g.row(label(run), seed);
            System.out.print("[moe-bench] gap " + row);
            GAP_ROWS.add(row);
        }
        return run;
    }

    @Test
    void balancingCostAndRateSweep(SparkSession spark) throws Exception {
        Lm lm = PARTS.contains("lm") || PARTS.contains("lmvariants") || PARTS.contains("cost") ? corpus(spark) : null;
        if (PARTS.contains("lm")) {
            double load = BenchmarkFile.load();
            List<Run> runs = new ArrayList<>();
            for (long seed : SEEDS) {
                for (String s : STRATEGIES) {
                    runs.add(lmRun(spark, lm, LM, BalancingConfig.of(s, 1e-3, 1e-3), seed, LM_EPOCHS));
                }
            }
            // diagnostic: can the bias balance this model when it may move 10x further in the same steps?
            Run fast = LM_DIAGNOSTIC ? lmRun(spark, lm, LM, BalancingConfig.of(BalancingConfig.LOSS_FREE, 1e-2,
                    1e-3), SEEDS[0], LM_EPOCHS) : null;
            String body = table(runs, "held-out perplexity", "%.2f", false)
                    + (LM_EVAL_EVERY > 0 ? curveTable(byLabel(runs), "held-out perplexity", "%.2f") : "")
                    + (fast == null ? "" : "\nDiagnostic, same steps and batch, "
                    + "loss-free with u = 1e-2 (10× the paper's rate):\n\n" + header("held-out perplexity")
                    + row(label(fast), fast, "%.2f")) + String.format(Locale.ROOT, "%nCranfield "
                            + "documents (prepare source cranfield): %d training documents, %d training windows of "
                            + "T + 1 = 33 word ids used (%d available), %d held-out documents (%d windows, %d tokens: "
                            + "MaxVio_global counts their %d routed slots per layer); vocabulary %d. Model as shipped "
                            + "(deploy/configs/train-moe-lm-cranfield.yaml): causal MLP-Mixer, d = 64, 2 blocks, "
                            + "N = 8 routed experts, K = 2, expert width 64, sigmoid scores, paper gates. Global batch "
                            + "%d windows (%d predicted tokens), %d epoch(s) = %d steps, " + LM_ADAM
                            + ", 2 workers "
                            + "(allreduce) on local[2]; loss-free: sign rule, u = 1e-3; aux: α = 1e-3 per window.%n",
                    lm.corpus().trainDocuments(), lm.train().count(), lm.corpus().trainWindows().size(),
                    lm.corpus().validationDocuments(), lm.corpus().validationWindows().size(),
                    lm.corpus().validationWindows().size() * LM.contextLength(),
                    lm.corpus().validationWindows().size() * LM.contextLength() * LM.topK(),
                    lm.corpus().vocabulary().size(), LM_BATCH, LM_BATCH * LM.contextLength(), LM_EPOCHS,
                    runs.get(0).steps());
            BenchmarkFile.write(DOC, LM_BLOCK, "MoE language model on Cranfield: " + (STRATEGIES.size() == 3
                    ? "loss-free vs aux loss vs none" : String.join(", ", STRATEGIES))
                    + (LM_BLOCK.equals("moe-lm") ? "" : " (" + runs.get(0).steps() + " steps)"),
                    command("lm"), load, body);
        }
        if (PARTS.contains("lmvariants")) {
            lmVariants(spark, lm);
        }
        Dataset<Row>[] mnist = PARTS.contains("cost") || PARTS.contains("classifier") || PARTS.contains("sweep")
                || PARTS.contains("magnitude") ? mnist(spark) : null;
        if (PARTS.contains("cost")) {
            cost(spark, lm, mnist);
        }
        List<Run> classifier = new ArrayList<>();
        if (PARTS.contains("classifier")) {
            double load = BenchmarkFile.load();
            List<Run> runs = classifier;
            for (long seed : SEEDS) {
                for (String s : STRATEGIES) {
                    runs.add(classifierRun(spark, mnist, CLS, BalancingConfig.of(s, 1e-3, 1e-3), seed));
                }
            }
            BenchmarkFile.write(DOC, "moe-classifier", "MoE classifier on MNIST: loss-free vs aux loss vs none",
                    command("classifier"), load,
                    table(runs, "test accuracy", "%.4f", true)
                            + (EVAL_EVERY > 0 ? curveTable(byLabel(runs), "test accuracy", "%.4f") : "")
                            + classifierSetup(mnist[0].count(), runs.get(0).steps()));
        }
        if (PARTS.contains("sweep")) {
            double load = BenchmarkFile.load();
            List<Run> runs = new ArrayList<>();
            for (long seed : SWEEP_SEEDS) {
                for (double u : SWEEP_RATES) {
                    // u = 1e-3 is the classifier part's loss-free run of the same seed when that part ran
                    Run same = classifier.stream().filter(r -> r.seed() == seed && r.rate() == u
                            && r.strategy().equals(BalancingConfig.LOSS_FREE) && "sign".equals(r.rule()))
                            .findFirst().orElse(null);
                    runs.add(same != null ? same : classifierRun(spark, mnist, CLS,
                            BalancingConfig.of(BalancingConfig.LOSS_FREE, u, 1e-3), seed));
                }
            }
            BenchmarkFile.write(DOC, "moe-rate-sweep", "Update rate u of loss-free balancing (MoE classifier, MNIST)",
                    command("sweep"), load,
                    sweepTable(runs) + (EVAL_EVERY > 0 ? curveTable(byRate(runs), "test accuracy", "%.4f") : "")
                            + classifierSetup(mnist[0].count(), runs.get(0).steps()));
        }
        if (PARTS.contains("magnitude")) {
            // the spec's other loss-free rule (Wang et al. 2024, Table 3): b_i += u·e_i, e_i in tokens of the step
            double load = BenchmarkFile.load();
            List<Run> runs = new ArrayList<>();
            for (long seed : SEEDS) {
                for (double u : MAGNITUDE_RATES) {
                    runs.add(classifierRun(spark, mnist, CLS, new BalancingConfig(BalancingConfig.LOSS_FREE,
                            "magnitude", u, 1e-3, null, null), seed));
                }
            }
            StringBuilder md = new StringBuilder(header("test accuracy"));
            for (Run r : runs) {
                md.append(row(label(r), r, "%.4f"));
            }
            md.append("\nMean ± standard deviation over the seeds ").append(Arrays.toString(SEEDS))
                    .append(":\n\n| balancing | test accuracy | MaxVio_global | MaxVio_batch, last fifth |\n"
                            + "|---|---|---|---|\n");
            for (var g : byLabel(runs).entrySet()) {
                md.append("| ").append(g.getKey()).append(" | ").append(meanSd(g.getValue(), Run::quality, "%.4f"))
                        .append(" | ").append(meanSd(g.getValue(), r -> r.eval().maxVioGlobal(), "%.3f"))
                        .append(" | ").append(meanSd(g.getValue(), r -> r.batchFifths()[4], "%.3f")).append(" |\n");
            }
            BenchmarkFile.write(DOC, "moe-magnitude-rule", "Loss-free balancing with the magnitude rule (MoE "
                    + "classifier, MNIST)", command("magnitude"), load, md
                    + (EVAL_EVERY > 0 ? curveTable(byLabel(runs), "test accuracy", "%.4f") : "")
                    + classifierSetup(mnist[0].count(), runs.get(0).steps()));
        }
    }

    /**
     * Loss-free variants on the language model (part {@code lmvariants}): the update rule and rate u of each entry of
     * {@link #LM_VARIANTS} ({@code rule:u}), for every seed, at the same length and batch as the part {@code lm}, so
     * the rows compare with that part's aux-loss and no-balancing rows of the same seeds.
     */
    static void lmVariants(SparkSession spark, Lm lm) throws Exception {
        double load = BenchmarkFile.load();
        List<Run> runs = new ArrayList<>();
        for (long seed : SEEDS) {
            for (String v : LM_VARIANTS) {
                String[] ruleRate = v.split(":");
                runs.add(lmRun(spark, lm, LM, new BalancingConfig(BalancingConfig.LOSS_FREE, ruleRate[0],
                        Double.parseDouble(ruleRate[1]), 1e-3, null, null), seed, LM_EPOCHS));
            }
            if (LM_VARIANTS_AUX) {
                runs.add(lmRun(spark, lm, LM, BalancingConfig.of(BalancingConfig.AUX, 1e-3, 1e-3), seed, LM_EPOCHS));
            }
        }
        BenchmarkFile.write(DOC, LM_VARIANTS_BLOCK, "MoE language model on Cranfield: loss-free update rules and rates ("
                        + runs.get(0).steps() + " steps)", command("lmvariants"), load,
                table(runs, "held-out perplexity", "%.2f", false)
                        + (LM_EVAL_EVERY > 0 ? curveTable(byLabel(runs), "held-out perplexity", "%.2f") : "")
                        + String.format(Locale.ROOT, "%nSame corpus, model, batch (%d windows), optimizer ("
                        + LM_ADAM + ") "
                                + "and %d epoch(s) as the part lm; only the loss-free rule and u differ"
                                + (LM_VARIANTS_AUX ? "; the aux-loss rows (α = 1e-3 per window) are run here, "
                                + "with the part lm's aux-loss settings, for the same seeds" : "") + ".%n", LM_BATCH,
                        LM_EPOCHS) + (LM_GAP ? gapTable(lm) : ""));
    }

    /** The {@link HeldOutGapCheck} of every run, and the independent-token floor at the held-out split's size. */
    static String gapTable(Lm lm) {
        int tokens = lm.corpus().validationWindows().size() * LM.contextLength();
        int groups = Math.round((float) lm.corpus().trainDocuments() / lm.corpus().validationDocuments());
        double floor = HeldOutGapCheck.independentTokenFloor(tokens, LM.experts(), LM.topK(), LM.layers(), 2000, 1);
        return String.format(Locale.ROOT, "%nHeld-out gap check (the final parameters and biases of each run, the "
                + "same evaluation code as MaxVio_global): MaxVio of the whole training split; of %d disjoint groups "
                + "of training documents (document d in group d mod %d: %d documents each, as many as the held-out "
                + "split); of %d disjoint groups of training windows (window k in group k mod %d: about as many "
                + "windows as the held-out split, from all documents); \"≥ held-out\" counts the groups at least as "
                + "unbalanced as the held-out split.%n%n| balancing | seed | MaxVio_global (held-out) | whole "
                + "training split | document groups: mean (min–max) | ≥ held-out | window groups: mean (min–max) | "
                + "≥ held-out |%n|---|---|---|---|---|---|---|---|%n", groups, groups,
                lm.corpus().trainDocuments() / groups, groups, groups)
                + String.join("", GAP_ROWS) + String.format(Locale.ROOT, "%nFloor: a perfectly balanced router whose "
                + "%d held-out tokens each choose K = %d distinct of N = %d experts independently and uniformly shows "
                + "MaxVio %.4f on average (layer mean, 2000 simulated splits). Unknown-word ids (one shared "
                + "embedding): %.2f%% of the training stream, %.2f%% of the held-out stream.%n", tokens, LM.topK(),
                LM.experts(), floor, 100.0 * lm.corpus().trainUnknown() / lm.corpus().trainTokens(),
                100.0 * lm.corpus().validationUnknown() / lm.corpus().validationTokens());
    }

    // ------------------------------------------------------------------------------------------------ classifier

    @SuppressWarnings("unchecked")
    static Dataset<Row>[] mnist(SparkSession spark) throws Exception {
        String data = Path.of(OUT, "mnist").toAbsolutePath().toString();
        if (!Files.exists(Path.of(data, PreparedDataset.MANIFEST))) {
            Sparktrain.run(spark, "prepare", "source: mnist\noutput: " + data + "\n");
        }
        Dataset<Row> train = PreparedDataset.readSplit(spark, data, "train")
                .filter(functions.col(PreparedDataset.ID).lt(RECORDS)).cache();
        Dataset<Row> test = PreparedDataset.readSplit(spark, data, "test").cache();
        train.count();
        test.count();
        return new Dataset[] {train, test};
    }

    static Run classifierRun(SparkSession spark, Dataset<Row>[] mnist, MoeModelConfig model, BalancingConfig balancing,
                             long seed) throws Exception {
        MoeClassifierFactory factory = new MoeClassifierFactory(model, balancing, 784, 10, seed);
        MoeBalancingState state = factory.state();
        BalanceRecorder rec = new BalanceRecorder(state);
        CurveRecorder curve = new CurveRecorder(EVAL_EVERY, (p, b) -> MoeEvaluator.evaluate(spark, mnist[1], factory,
                p, b), MoeEvaluation::accuracy);
        TrainingResult r = train(spark, "mnist-" + balancing.strategy(), factory, state, mnist[0],
                List.of(ColumnSpec.of(PreparedDataset.FEATURES, 784), ColumnSpec.of(PreparedDataset.LABEL, 1)),
                CLS_BATCH, EPOCHS, seed, CLS_OPTIMIZER, TrainingListener.all(rec, curve), EVAL_EVERY);
        MoeEvaluation e = MoeEvaluator.evaluate(spark, mnist[1], factory, r.evalParams(), r.state().globalState());
        return finish(balancing, seed, e.accuracy(), e, rec, r,
                curve.with(r.state().globalStep(), e));
    }

    static String classifierSetup(long records, long steps) {
        return String.format(Locale.ROOT, "%nMNIST: %d training images for %d epoch(s) = %d steps at global batch %d, "
                + "evaluated on the 10,000 test images (MaxVio_global: their 20,000 routed slots per layer). Model "
                + "as shipped (deploy/configs/train-moe-mnist-*.yaml): d = 64, 2 MoE blocks, N = 8, K = 2, expert "
                + "width 64, sigmoid scores, paper gates; Schedule-Free AdamW at its defaults (the configs' "
                + "optimizer), evaluated at its x; 2 workers (allreduce) on local[2].%n", records, EPOCHS, steps,
                CLS_BATCH);
    }

    // ------------------------------------------------------------------------------------------------ tables

    static String table(List<Run> runs, String quality, String fmt, boolean higherIsBetter) {
        StringBuilder md = new StringBuilder(header(quality));
        for (Run r : runs) {
            md.append(row(label(r), r, fmt));
        }
        md.append("\nMean ± standard deviation over the seeds ").append(Arrays.toString(SEEDS)).append(":\n\n| balancing | ")
                .append(quality).append(" | MaxVio_global | MaxVio_batch, last fifth |\n|---|---|---|---|\n");
        // one row per setting (strategy, rule and u: the label), not per strategy, so variants are never pooled
        for (var g : byLabel(runs).entrySet()) {
            List<Run> of = g.getValue();
            md.append("| ").append(g.getKey()).append(" | ").append(meanSd(of, Run::quality, fmt)).append(" | ")
                    .append(meanSd(of, r -> r.eval().maxVioGlobal(), "%.3f")).append(" | ")
                    .append(meanSd(of, r -> r.batchFifths()[4], "%.3f")).append(" |\n");
        }
        md.append(pairedDifference(runs, fmt));
        if (runs.stream().filter(r -> r.strategy().equals(BalancingConfig.LOSS_FREE)).map(MoeBalancingBench::label)
                .distinct().count() > 1) {
            return md.append("\nSeveral loss-free settings: read the goal per row above.\n").toString();
        }
        double lf = mean(runs, BalancingConfig.LOSS_FREE, r -> r.eval().maxVioGlobal());
        if (Double.isNaN(lf)) {
            return md.toString(); // no loss-free run here: the goal is read where it is
        }
        double aux = mean(runs, BalancingConfig.AUX, r -> r.eval().maxVioGlobal());
        double lfq = mean(runs, BalancingConfig.LOSS_FREE, Run::quality);
        double auxq = mean(runs, BalancingConfig.AUX, Run::quality);
        if (Double.isNaN(lf) || Double.isNaN(aux)) {
            md.append(String.format(Locale.ROOT, "%nGoal (paper): loss-free MaxVio_global ≤ 0.1: %s (mean %.3f); "
                    + "no aux-loss run at this length to compare the quality with.%n",
                    lf <= GOAL ? "**met**" : "**not met**", lf));
            return md.toString();
        }
        md.append(String.format(Locale.ROOT, "%nGoal (paper): loss-free MaxVio_global ≤ 0.1: %s (mean %.3f); "
                        + "quality no worse than aux: %s (" + fmt + " vs " + fmt + "). Aux / loss-free MaxVio_global "
                        + "ratio %.1f.%n", lf <= 0.1 ? "**met**" : "**not met**", lf,
                (higherIsBetter ? lfq >= auxq : lfq <= auxq) ? "**met**" : "**not met**", lfq, auxq, aux / lf));
        return md.toString();
    }

    /**
     * Per-seed paired difference of the quality, each loss-free setting minus the aux-loss run of the same seed
     * (d_s = q_lf(s) − q_aux(s)), and its mean ± sample standard deviation over the seeds, so that "no worse than
     * the aux loss" can be judged against the seed noise; empty when the runs hold no aux-loss run.
     */
    static String pairedDifference(List<Run> runs, String fmt) {
        List<Run> aux = runs.stream().filter(r -> r.strategy().equals(BalancingConfig.AUX)).toList();
        if (aux.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\nPaired difference per seed, loss-free minus aux loss (same seed):\n\n"
                + "| setting | difference per seed " + Arrays.toString(SEEDS) + " | mean ± sd |\n|---|---|---|\n");
        for (var g : byLabel(runs).entrySet()) {
            if (!g.getValue().get(0).strategy().equals(BalancingConfig.LOSS_FREE)) {
                continue;
            }
            List<Double> d = new ArrayList<>();
            for (Run r : g.getValue()) {
                aux.stream().filter(a -> a.seed() == r.seed()).findFirst()
                        .ifPresent(a -> d.add(r.quality() - a.quality()));
            }
            double m = d.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double sd = d.size() < 2 ? Double.NaN : Math.sqrt(d.stream().mapToDouble(x -> (x - m) * (x - m)).sum()
                    / (d.size() - 1));
            StringBuilder per = new StringBuilder();
            for (double x : d) {
                per.append(per.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%+" + fmt.substring(1), x));
            }
            md.append("| ").append(g.getKey()).append(" | ").append(per).append(" | ")
                    .append(String.format(Locale.ROOT, "%+" + fmt.substring(1) + " ± " + fmt, m, sd)).append(" |\n");
        }
        return md.toString();
    }

    static String header(String quality) {
        return "| balancing | seed | " + quality + " | MaxVio_global | per layer | MaxVio_batch by fifth of training "
                + "(1st … 5th) | MaxVio of last-fifth training loads | max abs(b) / (u·steps) | dead | train s |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n";
    }

    static String sweepTable(List<Run> runs) {
        StringBuilder md = new StringBuilder("| u | seed | test accuracy | MaxVio_global | per layer | MaxVio_batch by "
                + "fifth of training (1st … 5th) | MaxVio of last-fifth training loads | max abs(b) / (u·steps) | "
                + "dead | train s |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Run r : runs) {
            md.append(row(String.format(Locale.ROOT, "%.0e", r.rate()), r, "%.4f"));
        }
        md.append("\nMean ± standard deviation over the seeds ").append(Arrays.toString(SWEEP_SEEDS)).append(":\n\n| u | test accuracy | MaxVio_global | "
                + "MaxVio_batch, last fifth |\n|---|---|---|---|\n");
        for (double u : SWEEP_RATES) {
            List<Run> of = runs.stream().filter(r -> r.rate() == u).toList();
            md.append(String.format(Locale.ROOT, "| %.0e | %s | %s | %s |%n", u, meanSd(of, Run::quality, "%.4f"),
                    meanSd(of, r -> r.eval().maxVioGlobal(), "%.3f"), meanSd(of, r -> r.batchFifths()[4], "%.3f")));
        }
        return md.toString();
    }

    static java.util.Map<String, List<Run>> byLabel(List<Run> runs) {
        java.util.Map<String, List<Run>> out = new java.util.LinkedHashMap<>();
        for (Run r : runs) {
            out.computeIfAbsent(label(r), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    static java.util.Map<String, List<Run>> byRate(List<Run> runs) {
        java.util.Map<String, List<Run>> out = new java.util.LinkedHashMap<>();
        for (Run r : runs) {
            out.computeIfAbsent(String.format(Locale.ROOT, "u = %.0e", r.rate()), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    /**
     * MaxVio_global (whole held-out / test split, layer mean) and quality against the training step, one column per
     * group of runs (mean over its seeds, each seed's value in brackets), and for each run the first evaluated step
     * at which MaxVio_global ≤ {@link #GOAL} and whether it stayed there at every later evaluation.
     */
    static String curveTable(java.util.Map<String, List<Run>> groups, String quality, String fmt) {
        StringBuilder md = new StringBuilder("\nMaxVio_global against the training step (whole split, same code as the "
                + "final value; mean over seeds, each seed in brackets):\n\n| step |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String g : groups.keySet()) {
            md.append(' ').append(g).append(": MaxVio_global |");
            rule.append("---|");
        }
        for (String g : groups.keySet()) {
            md.append(' ').append(g).append(": ").append(quality).append(" |");
            rule.append("---|");
        }
        md.append('\n').append(rule).append('\n');
        List<CurvePoint> steps = groups.values().iterator().next().get(0).curve();
        for (int k = 0; k < steps.size(); k++) {
            md.append("| ").append(steps.get(k).step()).append(" |");
            for (List<Run> of : groups.values()) {
                int at = k;
                md.append(' ').append(curveCell(of, r -> r.curve().get(at).maxVioGlobal(), "%.3f")).append(" |");
            }
            for (List<Run> of : groups.values()) {
                int at = k;
                md.append(' ').append(curveCell(of, r -> r.curve().get(at).quality(), fmt)).append(" |");
            }
            md.append('\n');
        }
        md.append(String.format(Locale.ROOT, "%nFirst evaluated step with MaxVio_global ≤ %.1f (and whether every later "
                + "evaluation stayed ≤ %.1f):%n%n", GOAL, GOAL));
        for (var g : groups.entrySet()) {
            md.append("- ").append(g.getKey()).append(": ");
            List<String> parts = new ArrayList<>();
            for (Run r : g.getValue()) {
                long first = -1;
                boolean stayed = true;
                for (CurvePoint p : r.curve()) {
                    if (first < 0 && p.maxVioGlobal() <= GOAL) {
                        first = p.step();
                    } else if (first >= 0 && p.maxVioGlobal() > GOAL) {
                        stayed = false;
                    }
                }
                parts.add("seed " + r.seed() + " " + (first < 0 ? "never (last " + String.format(Locale.ROOT, "%.3f",
                        r.curve().get(r.curve().size() - 1).maxVioGlobal()) + ")"
                        : "step " + first + (stayed ? ", stayed" : ", not always after")));
            }
            md.append(String.join("; ", parts)).append('\n');
        }
        return md.append('\n').toString();
    }

    static String curveCell(List<Run> runs, java.util.function.ToDoubleFunction<Run> f, String fmt) {
        double m = runs.stream().mapToDouble(f).average().orElse(Double.NaN);
        if (runs.size() < 2) {
            return String.format(Locale.ROOT, fmt, m);
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, fmt, m)).append(" (");
        for (int k = 0; k < runs.size(); k++) {
            s.append(k == 0 ? "" : " / ").append(String.format(Locale.ROOT, fmt, f.applyAsDouble(runs.get(k))));
        }
        return s.append(')').toString();
    }

    static String label(Run r) {
        return switch (r.strategy()) {
            case BalancingConfig.LOSS_FREE -> String.format(Locale.ROOT, "loss-free, %s, u = %.0e", r.rule(), r.rate());
            case BalancingConfig.AUX -> "aux loss, α = 1e-3";
            default -> "none";
        };
    }

    static String row(String label, Run r, String fmt) {
        StringBuilder f = new StringBuilder();
        for (double v : r.batchFifths()) {
            f.append(f.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", v));
        }
        return String.format(Locale.ROOT, "| %s | %d | " + fmt + " | %.3f | %s | %s | %.3f | %s | %d | %.0f |%n", label,
                r.seed(), r.quality(), r.eval().maxVioGlobal(), layers(r.eval()), f, r.lastFifthMaxVio(),
                Double.isNaN(r.biasSettle()) ? "" : String.format(Locale.ROOT, "%.2f", r.biasSettle()), dead(r.eval()),
                r.seconds());
    }

    static double mean(List<Run> runs, String strategy, Function<Run, Double> f) {
        return runs.stream().filter(r -> r.strategy().equals(strategy)).mapToDouble(f::apply).average().orElse(Double.NaN);
    }

    static String meanSd(List<Run> runs, Function<Run, Double> f, String fmt) {
        double m = runs.stream().mapToDouble(f::apply).average().orElse(Double.NaN);
        if (runs.size() < 2) {
            return String.format(Locale.ROOT, fmt, m);
        }
        double v = runs.stream().mapToDouble(r -> (f.apply(r) - m) * (f.apply(r) - m)).sum() / (runs.size() - 1);
        return String.format(Locale.ROOT, fmt + " ± " + fmt, m, Math.sqrt(v));
    }

    // ------------------------------------------------------------------------------------------------ cost

    /**
     * Step time of the MoE models against their dense counterparts (one routed expert of width K·h, always chosen:
     * the same active parameters per token), runs alternating MoE, dense, MoE, dense so that both see the same
     * machine load; the same steps, batch and data, no balancing.
     */
    static void cost(SparkSession spark, Lm lm, Dataset<Row>[] mnist) throws Exception {
        double load = BenchmarkFile.load();
        StringBuilder md = new StringBuilder("| model | variant | parameters | seconds per step (each run) | median | "
                + "MoE / dense |\n|---|---|---|---|---|---|\n");
        BalancingConfig none = BalancingConfig.of(BalancingConfig.NONE, 0, 0);
        if (lm != null) {
            int windows = COST_STEPS * LM_BATCH;
            Dataset<Row> data = lm.train().filter(functions.col("id").lt(windows)).cache();
            data.count();
            int vocab = lm.corpus().vocabulary().size();
            double[][] t = alternate(2, (moe) -> {
                MoeModelConfig m = moe ? LM : LM_DENSE;
                MoeLmFactory f = new MoeLmFactory(m, none, vocab, 42);
                return train(spark, "cost-lm", f, f.state(), data, List.of(ColumnSpec.of(LmCorpus.TOKENS,
                        m.contextLength() + 1)), LM_BATCH, 1, 42, LM_OPTIMIZER, null);
            });
            md.append(costRows("language model (T = 32, V = " + vocab + ")", new MoeLmFactory(LM, none, vocab, 42)
                    .createModel().numParams(), new MoeLmFactory(LM_DENSE, none, vocab, 42).createModel().numParams(),
                    t));
            data.unpersist();
        }
        Dataset<Row> data = mnist[0].filter(functions.col(PreparedDataset.ID).lt((long) COST_STEPS * CLS_BATCH)).cache();
        data.count();
        double[][] t = alternate(2, (moe) -> {
            MoeClassifierFactory f = new MoeClassifierFactory(moe ? CLS : CLS_DENSE, none, 784, 10, 42);
            return train(spark, "cost-mnist", f, f.state(), data, List.of(ColumnSpec.of(PreparedDataset.FEATURES, 784),
                    ColumnSpec.of(PreparedDataset.LABEL, 1)), CLS_BATCH, 1, 42, CLS_OPTIMIZER, null);
        });
        md.append(costRows("classifier (MNIST)", new MoeClassifierFactory(CLS, none, 784, 10, 42).createModel()
                .numParams(), new MoeClassifierFactory(CLS_DENSE, none, 784, 10, 42).createModel().numParams(), t));
        data.unpersist();
        md.append(String.format(Locale.ROOT, "%nEach run: %d steps (one epoch of the first %d windows / %d images), "
                + "2 workers (allreduce) on local[2], no balancing, engine training time / steps. MoE: N = 8 routed "
                + "experts of width h = 64, K = 2. Dense: N = 1 expert of width K·h = 128, K = 1 (its sigmoid gate is a "
                + "scalar per token): the same active expert parameters per token (the MoE router adds N·d = 512 per "
                + "layer). Runs alternate MoE, dense, MoE, dense in one JVM so both see the same machine load; the "
                + "machine is shared with other agents, so only the ratio is meaningful, not the seconds.%n",
                COST_STEPS, COST_STEPS * LM_BATCH, COST_STEPS * CLS_BATCH));
        System.out.println(md);
        BenchmarkFile.write(DOC, "moe-cost", "Step time: MoE vs dense with the same active parameters",
                command("cost"), load, md.toString());
    }

    interface Trainer {
        TrainingResult train(boolean moe) throws Exception;
    }

    /** Seconds per step of {@code reps} MoE and dense runs, alternating: [0] MoE, [1] dense. */
    static double[][] alternate(int reps, Trainer trainer) throws Exception {
        double[][] t = new double[2][reps];
        for (int k = 0; k < reps; k++) {
            for (int v = 0; v < 2; v++) {
                TrainingResult r = trainer.train(v == 0);
                t[v][k] = r.trainSeconds() / r.state().globalStep();
                System.out.printf(Locale.ROOT, "[moe-bench] cost %s run %d: %.3f s/step%n", v == 0 ? "MoE" : "dense", k,
                        t[v][k]);
            }
        }
        return t;
    }

    static String costRows(String model, long moeParams, long denseParams, double[][] t) {
        double moe = median(t[0]);
        double dense = median(t[1]);
        return String.format(Locale.ROOT, "| %s | MoE N = 8, K = 2, h = 64 | %d | %s | %.3f | **%.2f** |%n"
                        + "| %s | dense, one FFN of width 128 | %d | %s | %.3f | 1 |%n", model, moeParams,
                list(t[0]), moe, moe / dense, model, denseParams, list(t[1]), dense);
    }

    static String list(double[] v) {
        StringBuilder s = new StringBuilder();
        for (double x : v) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", x));
        }
        return s.toString();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}

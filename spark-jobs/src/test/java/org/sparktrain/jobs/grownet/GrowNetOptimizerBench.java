package org.sparktrain.jobs.grownet;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.testing.BenchmarkFile;
import org.sparktrain.testing.SharedSpark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a unit test; runs only with {@code SPARKTRAIN_BENCH=1}): learning-rate-free optimizers at their
 * defaults against Adam tuned by a sweep of 5 learning rates on GrowNet regression, census-house from Debian's
 * libfann-doc (every 10th {@code .train} record validates and chooses the number of stages, the rest trains; the
 * {@code .test} file is the test set, as in {@link GrowNetBench}). The optimizer is {@code grownet.optimizer}:
 * it runs every stage fit and every corrective step (Adam and Schedule-Free at lr/3 there, the step-size-adapting
 * rules at their own). Quality is test RMSE of the best validation stage; compute is the whole fit's wall time
 * (stage fits, corrective steps, scoring and validation passes), and tuned Adam's cost is its whole sweep. Writes
 * its section of {@code docs/benchmarks-optimizers.md}.
 *
 * <p>Size ({@code SPARKTRAIN_BENCH_GROWNET_STAGES}, default 3; {@code SPARKTRAIN_BENCH_GROWNET_EPOCHS} per stage,
 * default 2): the shipped config's learner (H = 32), batch 256 and epochs per stage, with fewer stages, so the
 * 8 fits take about 10 minutes on the shared 2-core machine.
 */
@ExtendWith(SharedSpark.class)
@EnabledIfEnvironmentVariable(named = "SPARKTRAIN_BENCH", matches = "1")
class GrowNetOptimizerBench {
    static final String DIR = System.getProperty("grownet.fann", "/usr/share/doc/libfann-dev/examples/datasets");
    static final int STAGES = Integer.parseInt(System.getenv().getOrDefault("SPARKTRAIN_BENCH_GROWNET_STAGES", "3"));
    static final int EPOCHS = Integer.parseInt(System.getenv().getOrDefault("SPARKTRAIN_BENCH_GROWNET_EPOCHS", "2"));
    static final double[] ADAM_SWEEP = {1e-3, 3e-3, 1e-2, 3e-2, 1e-1};
    static final List<String> FREE = List.of(System.getenv().getOrDefault("SPARKTRAIN_BENCH_GROWNET_FREE",
            "schedule-free-adamw,prodigy,dadapt-adam,dog").split(","));
    static final String SCALING = System.getenv().getOrDefault("SPARKTRAIN_BENCH_GROWNET_SCALING", "quantile");

    record Run(String name, double rmse, int bestStage, double seconds) {
    }

    static Run run(SparkSession spark, String name, OptimizerConfig optimizer, boolean carry, Dataset<Row> train,
                   Dataset<Row> val, Dataset<Row> test) {
        GrowNetParams p = new GrowNetParams("regression", 32, STAGES, optimizer, 0.0, 256, EPOCHS, 1, null, null,
                null, null, null, 5, 2, 42L, null, null, null, null, null, SCALING, carry);
        long t0 = System.nanoTime();
        GrowNetSparkModel model = new GrowNet(p).fit(train, val);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rmse = GrowNetBench.evaluate(false, model.transform(test), model.predictionCol());
        int stage = model.summary().get("bestStage").asInt();
        System.out.printf(Locale.ROOT, "%-24s test RMSE %.5f (best stage %d) in %.1f s%n", name, rmse, stage, seconds);
        return new Run(name, rmse, stage, seconds);
    }

    @Test
    void learningRateFreeDefaultsVersusTunedAdam(SparkSession spark) {
        double load = BenchmarkFile.load();
        GrowNetBench.Split[] trainVal = GrowNetBench.read(DIR + "/census-house.train", true);
        GrowNetBench.Split testSplit = GrowNetBench.read(DIR + "/census-house.test", false)[0];
        Dataset<Row> train = GrowNetBench.frame(spark, trainVal[0]);
        Dataset<Row> val = GrowNetBench.frame(spark, trainVal[1]);
        Dataset<Row> test = GrowNetBench.frame(spark, testSplit);
        List<Run> sweep = new ArrayList<>();
        for (double lr : ADAM_SWEEP) {
            sweep.add(run(spark, String.format(Locale.ROOT, "adam lr=%.0e", lr), OptimizerConfig.of("adam", lr),
                    true, train, val, test));
        }
        Run best = sweep.stream().min((a, b) -> Double.compare(a.rmse(), b.rmse())).orElseThrow();
        double sweepSeconds = sweep.stream().mapToDouble(Run::seconds).sum();
        List<Run> free = new ArrayList<>();
        for (String type : FREE) {
            free.add(run(spark, type, OptimizerConfig.defaults(type), true, train, val, test));
        }
        // the ablation: Prodigy restarting its estimate d from d0 in every phase (GrowNet's behaviour before carrying)
        free.add(run(spark, "prodigy, d restarted every phase", OptimizerConfig.defaults("prodigy"), false, train, val,
                test));
        StringBuilder md = new StringBuilder("| optimizer | setting | test RMSE | vs tuned Adam | best stage | "
                + "fit time (s) | compute incl. sweep (s) |\n|---|---|---|---|---|---|---|\n");
        for (Run r : sweep) {
            md.append(String.format(Locale.ROOT, "| %s | sweep%s | %.5f | %+.2f%% | %d | %.1f | |%n", r.name(),
                    r == best ? " (best)" : "", r.rmse(), 100 * (r.rmse() / best.rmse() - 1), r.bestStage(),
                    r.seconds()));
        }
        md.append(String.format(Locale.ROOT, "| **tuned Adam** | best of %d | %.5f | 0 | %d | %.1f | %.1f |%n",
                sweep.size(), best.rmse(), best.bestStage(), best.seconds(), sweepSeconds));
        for (Run r : free) {
            md.append(String.format(Locale.ROOT, "| %s | defaults | %.5f | %+.2f%% | %d | %.1f | %.1f |%n", r.name(),
                    r.rmse(), 100 * (r.rmse() / best.rmse() - 1), r.bestStage(), r.seconds(), r.seconds()));
        }
        long within = free.stream().filter(r -> r.rmse() <= 1.01 * best.rmse()).count();
        md.append(String.format(Locale.ROOT, "%ncensus-house (FANN, 16 features): %d training / %d validation / %d "
                        + "test records. GrowNet regression, %s feature scaling, H = 32, at most %d stages of %d "
                        + "epoch(s), 1 corrective epoch per stage from stage 2, global batch 256, 2 workers (allreduce) "
                        + "on local[2], seed 42, one seed. Adam swept over learning rates %s (constant; corrective step "
                        + "lr/3); the learning-rate-free optimizers run at their defaults (no key set; GrowNet's "
                        + "default carryStepSize = true carries D-Adaptation's / Prodigy's d from phase to phase, the "
                        + "last row restarts it). \"vs tuned Adam\" is the relative RMSE difference (positive = "
                        + "worse). %d of %d learning-rate-free runs are within 1%% of tuned Adam's RMSE.%n",
                trainVal[0].x().size(), trainVal[1].x().size(), testSplit.x().size(), SCALING, STAGES, EPOCHS,
                Arrays.toString(ADAM_SWEEP), within, free.size()));
        System.out.println(md);
        BenchmarkFile.write("benchmarks-optimizers.md", "grownet", "GrowNet (train-grownet) on census-house: "
                        + "learning-rate-free optimizers at defaults vs tuned Adam",
                BenchmarkFile.command("GrowNetOptimizerBench"), load, md.toString());
    }
}

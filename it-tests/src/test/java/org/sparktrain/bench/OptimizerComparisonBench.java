package org.sparktrain.bench;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.jobs.classifier.ClassifierEvaluator;
import org.sparktrain.jobs.classifier.ClassifierFactory;
import org.sparktrain.zoo.ClassifierModelConfig;
import org.sparktrain.zoo.ImageShape;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Learning-rate-free optimizers at their defaults against Adam tuned by a learning-rate sweep (issue 9): the
 * Fashion-MNIST classifier (MLP 784-256-10), 2 workers on local[2] with allreduce, equal epochs and global batch.
 * Quality is test accuracy at the optimizer's evaluation point; compute is the engine's training time, and the
 * tuned Adam's cost is the whole sweep.
 */
class OptimizerComparisonBench {
    static final int EPOCHS = 3;
    static final int BATCH = 128;
    static final double[] ADAM_SWEEP = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2};
    static final List<String> FREE = List.of("dadapt-adam", "prodigy", "schedule-free-adamw", "dog", "ldog");
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = BenchSpark.local("optimizer-comparison");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    record Run(String name, double accuracy, double seconds) {
    }

    Run run(String name, OptimizerConfig optimizer, Dataset<Row> train, Dataset<Row> test) throws Exception {
        ImageShape shape = new ImageShape(1, 28, 28);
        ClassifierFactory factory = new ClassifierFactory(new ClassifierModelConfig("mlp", List.of(256)), shape, 10, 42);
        EngineConfig cfg = new EngineConfig(2, "allreduce", 1, BATCH, EPOCHS, 42L, 0, 1, 1000, 1, 600, 60, 0);
        TrainingResult r = new TrainingEngine(spark, cfg, optimizer).train(new TrainingSpec("opt-" + name,
                Files.createTempDirectory("bench").toString(), train, "fashion-mnist",
                List.of(ColumnSpec.of("features", 784), ColumnSpec.of("label", 1)), factory, null, false, null, null));
        double acc = ClassifierEvaluator.evaluate(spark, test, factory, r.evalParams()).accuracy();
        System.out.printf(Locale.ROOT, "%-28s accuracy %.4f in %.1f s%n", name, acc, r.trainSeconds());
        return new Run(name, acc, r.trainSeconds());
    }

    @Test
    void learningRateFreeDefaultsVersusTunedAdam() throws Exception {
        String data = BenchData.fashionMnist(spark);
        Dataset<Row> train = PreparedDataset.readSplit(spark, data, "train").cache();
        Dataset<Row> test = PreparedDataset.readSplit(spark, data, "test").cache();
        List<Run> sweep = new ArrayList<>();
        for (double lr : ADAM_SWEEP) {
            sweep.add(run(String.format(Locale.ROOT, "adam lr=%.0e", lr), OptimizerConfig.of("adam", lr), train, test));
        }
        Run best = sweep.stream().max((a, b) -> Double.compare(a.accuracy(), b.accuracy())).orElseThrow();
        double sweepSeconds = sweep.stream().mapToDouble(Run::seconds).sum();
        List<Run> free = new ArrayList<>();
        for (String type : FREE) {
            free.add(run(type, OptimizerConfig.defaults(type), train, test));
        }
        StringBuilder md = new StringBuilder("| optimizer | setting | test accuracy | gap to tuned Adam (points) | "
                + "training time (s) | compute incl. sweep (s) |\n|---|---|---|---|---|---|\n");
        for (Run r : sweep) {
            md.append(String.format(Locale.ROOT, "| %s | sweep%s | %.2f%% | %+.2f | %.1f | |%n", r.name(),
                    r == best ? " (best)" : "", 100 * r.accuracy(), 100 * (r.accuracy() - best.accuracy()), r.seconds()));
        }
        md.append(String.format(Locale.ROOT, "| **tuned Adam** | best of %d | %.2f%% | 0 | %.1f | %.1f |%n",
                sweep.size(), 100 * best.accuracy(), best.seconds(), sweepSeconds));
        for (Run r : free) {
            md.append(String.format(Locale.ROOT, "| %s | defaults | %.2f%% | %+.2f | %.1f | %.1f |%n", r.name(),
                    100 * r.accuracy(), 100 * (r.accuracy() - best.accuracy()), r.seconds(), r.seconds()));
        }
        long within = free.stream().filter(r -> best.accuracy() - r.accuracy() <= 0.01).count();
        md.append(String.format(Locale.ROOT, "%nFashion-MNIST (60,000 train / 10,000 test), MLP 784-256-10, %d epochs, "
                + "global batch %d, 2 workers (allreduce) on local[2], seed 42, one seed. Adam swept over learning rates "
                + "%s (constant); the learning-rate-free optimizers run at their defaults (no learning rate set). "
                + "Accuracy at each optimizer's evaluation point (Schedule-Free's x, DoG's average). %d of %d "
                + "learning-rate-free optimizers are within 1 point of tuned Adam.%n", EPOCHS, BATCH,
                java.util.Arrays.toString(ADAM_SWEEP), within, free.size()));
        System.out.println(md);
        BenchReport.write("optimizers-classifier", "Learning-rate-free optimizers vs tuned Adam: Fashion-MNIST classifier",
                "mvn -B -Pbench verify -pl it-tests -am -Dit.test=OptimizerComparisonBench -DskipTests=false -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false",
                BenchReport.machine(), md.toString());
    }
}

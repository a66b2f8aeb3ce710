package org.sparktrain.bench;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.NativeThreads;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.jobs.classifier.ClassifierFactory;
import org.sparktrain.zoo.ClassifierModelConfig;
import org.sparktrain.zoo.ClassifierNetworks;
import org.sparktrain.zoo.ImageShape;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Engine overhead: training samples/s of sparktrain's engine with 2 workers on local[2] (Spark jobs, shards,
 * per-step all-reduce through the driver included) against plain single-JVM DL4J {@code fit} on the same 2 cores,
 * same LeNet-5 and MLP, same global batch, one epoch of real MNIST.
 */
class EngineOverheadBench {
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = BenchSpark.local("engine-overhead");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void engineVersusPlainDl4j() throws Exception {
        String data = BenchData.mnist(spark);
        Dataset<Row> train = PreparedDataset.readSplit(spark, data, "train").cache();
        List<Row> local = train.select("features", "label").collectAsList();
        ImageShape shape = new ImageShape(1, 28, 28);
        StringBuilder md = new StringBuilder("| model (engine implementation) | global batch | plain DL4J fit, 2 threads (samples/s) "
                + "| plain DL4J fit, 1 thread | sparktrain, 2 workers x 1 thread (samples/s) | ratio sparktrain / plain 2 threads "
                + "|\n|---|---|---|---|---|---|\n");
        // LeNet-5 twice: with DL4J's network inside the engine (the engine's own overhead) and with FastLeNet5Model (what
        // train-classifier runs by default); the plain DL4J baseline is measured once per architecture
        Map<String, double[]> plainByArchitecture = new HashMap<>();
        // the MLP's epoch is ~2 s: 5 epochs on both sides, so the engine's start-up (Spark job launch, network
        // creation and JIT warm-up on the executors, which the plain loop excludes) is amortised as in a real run
        for (Object[] c : new Object[][]{{new ClassifierModelConfig("lenet5", null, "dl4j"), 64, 1},
                {new ClassifierModelConfig("lenet5", null, "fast"), 64, 1},
                {new ClassifierModelConfig("mlp", List.of(256)), 1024, 5}}) {
            ClassifierModelConfig model = (ClassifierModelConfig) c[0];
            int batch = (Integer) c[1];
            int epochs = (Integer) c[2];
            double[] plain = plainByArchitecture.computeIfAbsent(model.type(), t -> {
                List<DataSet> batches = batches(local, batch);
                return new double[]{plain(model, shape, batches, 2, epochs), plain(model, shape, batches, 1, epochs)};
            });
            double plain2 = plain[0];
            double plain1 = plain[1];
            EngineConfig cfg = new EngineConfig(2, "allreduce", 1, batch, epochs, 42L, 0, 1, 1000, 1, 600, 60, 0);
            TrainingResult r = new TrainingEngine(spark, cfg, OptimizerConfig.of("adam", 1e-3)).train(new TrainingSpec(
                    "overhead", Files.createTempDirectory("bench").toString(), train, "mnist",
                    List.of(ColumnSpec.of("features", 784), ColumnSpec.of("label", 1)),
                    new ClassifierFactory(model, shape, 10, 42), null, false, null, null));
            NativeThreads.configure(0);
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.2f |%n",
                    model.type().equals("mlp") ? "MLP 784-256-10 (dl4j)" : "LeNet-5 (" + model.implementation() + ")",
                    batch, plain2, plain1,
                    r.samplesPerSecond(), r.samplesPerSecond() / plain2));
        }
        md.append("\nMNIST (60,000 images), 1 epoch for LeNet-5, 5 for the MLP, Adam(1e-3). Plain DL4J: `MultiLayerNetwork.fit(DataSet)` on "
                + "pre-built batches in one JVM (no Spark). sparktrain: samples/s over the training rounds' wall time, "
                + "which includes Spark job scheduling, shard access and the per-step all-reduce through the driver.\n");
        System.out.println(md);
        BenchReport.write("engine-overhead", "Engine overhead: sparktrain on local Spark vs plain DL4J on the same cores",
                "mvn -B -Pbench verify -pl it-tests -am -Dit.test=EngineOverheadBench -DskipTests=false -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false",
                BenchReport.machine(), md.toString());
    }

    static double plain(ClassifierModelConfig model, ImageShape shape, List<DataSet> batches, int threads, int epochs) {
        NativeThreads.configure(threads);
        MultiLayerNetwork net = ClassifierNetworks.create(model, shape, 10, 42,
                OptimizerConfig.of("adam", 1e-3).toNd4j());
        for (int i = 0; i < 20; i++) {
            net.fit(batches.get(i));
        }
        long n = 0;
        long t0 = System.nanoTime();
        for (int e = 0; e < epochs; e++) {
            for (DataSet b : batches) {
                net.fit(b);
                n += b.numExamples();
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        NativeThreads.configure(0);
        return n / s;
    }

    static List<DataSet> batches(List<Row> rows, int batch) {
        List<DataSet> out = new ArrayList<>();
        for (int start = 0; start + batch <= rows.size(); start += batch) {
            float[] x = new float[batch * 784];
            float[] y = new float[batch * 10];
            for (int r = 0; r < batch; r++) {
                List<Float> f = rows.get(start + r).getList(0);
                for (int j = 0; j < 784; j++) {
                    x[r * 784 + j] = f.get(j);
                }
                y[r * 10 + rows.get(start + r).getInt(1)] = 1f;
            }
            out.add(new DataSet(Nd4j.create(x, new long[]{batch, 784}, 'c'), Nd4j.create(y, new long[]{batch, 10}, 'c')));
        }
        return out;
    }
}

package org.sparktrain.bench;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.NativeThreads;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.jobs.classifier.ClassificationMetrics;
import org.sparktrain.jobs.classifier.ClassifierEvaluator;
import org.sparktrain.jobs.classifier.ClassifierFactory;
import org.sparktrain.zoo.ClassifierModelConfig;
import org.sparktrain.zoo.ClassifierNetworks;
import org.sparktrain.zoo.ImageShape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * sparktrain's engine against DL4J's own Spark training on the same LeNet-5, real MNIST, global batch 64 (32 per
 * worker), 2 workers on local[2], Adam 1e-3, 2 epochs, 1 native thread per worker for everyone:
 * {@code ParameterAveragingTrainingMaster} (averaging every 5 minibatches, updater state averaged too) and, if it
 * runs here, gradient sharing ({@code SharedTrainingMaster}).
 */
class Dl4jSparkComparisonBench {
    static final int EPOCHS = 2;
    static final int PER_WORKER = 32;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = BenchSpark.local("dl4j-comparison", "org.nd4j.kryo.Nd4jRegistrator");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    record Row3(String system, double epochSeconds, double accuracy, String note) {
    }

    @Test
    void compareWithDl4jSparkTraining() throws Exception {
        String data = BenchData.mnist(spark);
        Dataset<Row> train = PreparedDataset.readSplit(spark, data, "train");
        Dataset<Row> test = PreparedDataset.readSplit(spark, data, "test").cache();
        ImageShape shape = new ImageShape(1, 28, 28);
        ClassifierModelConfig lenet = new ClassifierModelConfig("lenet5", null);
        ClassifierFactory factory = new ClassifierFactory(lenet, shape, 10, 42);
        List<Row3> rows = new ArrayList<>();

        // sparktrain: allreduce every step
        EngineConfig cfg = new EngineConfig(2, "allreduce", 1, 2 * PER_WORKER, EPOCHS, 42L, 0, 1, 100, 1, 600, 60, 0);
        Path runDir = Files.createTempDirectory("bench-engine");
        TrainingResult ours = new TrainingEngine(spark, cfg, OptimizerConfig.of("adam", 1e-3)).train(new TrainingSpec(
                "bench", runDir.toString(), train, "mnist", List.of(ColumnSpec.of("features", 784),
                ColumnSpec.of("label", 1)), factory, null, false, null, null));
        double oursAcc = ClassifierEvaluator.evaluate(spark, test, factory, ours.state().params()).accuracy();
        rows.add(new Row3("sparktrain engine, allreduce every step", ours.trainSeconds() / EPOCHS, oursAcc,
                String.format(Locale.ROOT, "%.0f samples/s", ours.samplesPerSecond())));

        // DL4J: RDD of 32-example DataSets, 2 partitions, 1 native thread per task like sparktrain's workers
        JavaRDD<DataSet> batches = toDataSets(train.repartition(2)).persist(StorageLevel.MEMORY_ONLY());
        long nBatches = batches.count();
        NativeThreads.configure(1);
        rows.add(runDl4j("DL4J ParameterAveragingTrainingMaster (avg every 5)", batches, nBatches, test, factory, lenet, shape,
                new ParameterAveragingTrainingMaster.Builder(PER_WORKER).batchSizePerWorker(PER_WORKER)
                        .averagingFrequency(5).workerPrefetchNumBatches(2).saveUpdater(true).rngSeed(42).build()));
        rows.add(runDl4j("DL4J ParameterAveragingTrainingMaster (avg every 1)", batches, nBatches, test, factory, lenet, shape,
                new ParameterAveragingTrainingMaster.Builder(PER_WORKER).batchSizePerWorker(PER_WORKER)
                        .averagingFrequency(1).workerPrefetchNumBatches(2).saveUpdater(true).rngSeed(42).build()));
        try {
            // Aeron (DL4J's gradient-sharing transport) refuses to start when the publication unblock timeout is not
            // above the client liveness timeout. DL4J's AeronUdpTransport sets the liveness timeout to 30 s itself
            // (System property aeron.client.liveness.timeout), above Aeron's 15 s unblock default: raise the latter
            System.setProperty("aeron.publication.unblock.timeout", "60000000000");
            VoidConfiguration voidConf = VoidConfiguration.builder().unicastPort(40123).networkMask("127.0.0.0/8")
                    .controllerAddress("127.0.0.1").build();
            rows.add(runDl4j("DL4J SharedTrainingMaster (gradient sharing)", batches, nBatches, test, factory, lenet,
                    shape, new SharedTrainingMaster.Builder(voidConf, PER_WORKER).batchSizePerWorker(PER_WORKER)
                            .workersPerNode(1).rngSeed(42).build()));
        } catch (Throwable e) {
            rows.add(new Row3("DL4J SharedTrainingMaster (gradient sharing)", Double.NaN, Double.NaN,
                    "failed on local Spark: " + e.toString().lines().findFirst().orElse("").replace("|", "/")));
        }
        NativeThreads.configure(0);

        StringBuilder md = new StringBuilder("| system | seconds per epoch | test accuracy after " + EPOCHS
                + " epochs | epoch-time ratio (DL4J / sparktrain) | note |\n|---|---|---|---|---|\n");
        double base = rows.get(0).epochSeconds();
        for (Row3 r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f%% | %.2fx | %s |%n", r.system(), r.epochSeconds(),
                    100 * r.accuracy(), r.epochSeconds() / base, r.note()));
        }
        md.append("\nSame LeNet-5 (61,706 parameters), MNIST 60,000 train / 10,000 test, global batch 64 (32 per worker), "
                + "2 workers on local[2], Adam(1e-3), seed 42; every system's workers use 1 native thread. "
                + "Epoch time counts only the training jobs (data conversion and evaluation excluded).\n");
        System.out.println(md);
        BenchReport.write("dl4j-spark", "sparktrain engine vs DL4J Spark training (LeNet-5, MNIST)",
                "mvn -B -Pbench verify -pl it-tests -am -Dit.test=Dl4jSparkComparisonBench -DskipTests=false -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false",
                BenchReport.machine(), md.toString());
    }

    static Row3 runDl4j(String name, JavaRDD<DataSet> batches, long nBatches, Dataset<Row> test,
                        ClassifierFactory factory, ClassifierModelConfig lenet, ImageShape shape, TrainingMaster tm) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(jsc,
                ClassifierNetworks.configuration(lenet, shape, 10, 42, new Adam(1e-3)), tm);
        long t0 = System.nanoTime();
        for (int e = 0; e < EPOCHS; e++) {
            net.fit(batches);
        }
        double seconds = (System.nanoTime() - t0) / 1e9 / EPOCHS;
        MultiLayerNetwork trained = net.getNetwork();
        ClassificationMetrics m = ClassifierEvaluator.evaluate(spark, test, factory, trained.params().toFloatVector());
        return new Row3(name, seconds, m.accuracy(), String.format(Locale.ROOT, "%.0f samples/s",
                nBatches * PER_WORKER / seconds));
    }

    static JavaRDD<DataSet> toDataSets(Dataset<Row> rows) {
        return rows.select("features", "label").javaRDD().mapPartitions(it -> {
            List<DataSet> out = new ArrayList<>();
            List<Row> buf = new ArrayList<>(PER_WORKER);
            while (it.hasNext()) {
                buf.add(it.next());
                if (buf.size() == PER_WORKER || !it.hasNext()) {
                    float[] x = new float[buf.size() * 784];
                    float[] y = new float[buf.size() * 10];
                    for (int r = 0; r < buf.size(); r++) {
                        List<Float> f = buf.get(r).getList(0);
                        for (int j = 0; j < 784; j++) {
                            x[r * 784 + j] = f.get(j);
                        }
                        y[r * 10 + buf.get(r).getInt(1)] = 1f;
                    }
                    out.add(new DataSet(Nd4j.create(x, new long[]{buf.size(), 784}, 'c'),
                            Nd4j.create(y, new long[]{buf.size(), 10}, 'c')));
                    buf.clear();
                }
            }
            return out.iterator();
        });
    }
}

package org.sparktrain.bench;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparktrain.it.ClusterFixture;
import org.sparktrain.it.StandaloneCluster;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scaling on a real standalone cluster (issue 8): the train-classifier job submitted through SparkSubmit in client
 * mode to a master with two 1-core workers, with engine.workers = 1 and = 2 on the same global batch; samples/s
 * as the job reports it (training rounds' wall time) and the parallel efficiency speed-up / 2.
 */
class ClusterScalingBench {
    static ClusterFixture fixture;
    static StandaloneCluster cluster;
    static String data;

    @BeforeAll
    static void start() throws Exception {
        fixture = ClusterFixture.withLocalFiles("sparktrain-scaling", 2);
        cluster = fixture.cluster();
        data = fixture.prepareMnist("mnist", Duration.ofMinutes(8));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static double samplesPerSecond(String model, int workers, int batch) throws Exception {
        String runId = model + "-w" + workers;
        StandaloneCluster.Submission s = cluster.submit("client", Map.of("spark.executor.memory", "2g"), Duration.ofMinutes(20), "train-classifier",
                "--run-id", runId, "--set", "output=" + fixture.location("runs"), "--set", "data.dataset=" + data,
                "--set", "data.validationSplit=none", "--set", "model.type=" + model, "--set", "model.hidden=[256]",
                "--set", "engine.workers=" + workers, "--set", "engine.batchSize=" + batch,
                "--set", "engine.epochs=1", "--set", "engine.logEvery=100");
        assertEquals(0, s.exitCode(), s.output());
        Matcher m = Pattern.compile("trained \\d+ steps in [0-9.]+ s \\(([0-9]+) samples/s\\)").matcher(s.output());
        assertTrue(m.find(), s.output());
        return Double.parseDouble(m.group(1));
    }

    @Test
    void twoWorkersVersusOne() throws Exception {
        Map<String, Integer> models = new LinkedHashMap<>();
        models.put("lenet5", 64);
        models.put("mlp", 512);
        StringBuilder md = new StringBuilder("| model | global batch | 1 worker x 1 core (samples/s) | "
                + "2 workers x 1 core (samples/s) | speed-up | efficiency |\n|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Integer> e : models.entrySet()) {
            double one = samplesPerSecond(e.getKey(), 1, e.getValue());
            double two = samplesPerSecond(e.getKey(), 2, e.getValue());
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2fx | %.0f%% |%n",
                    e.getKey().equals("mlp") ? "MLP 784-256-10" : "LeNet-5 (fast)", e.getValue(), one, two,
                    two / one, 50 * two / one));
        }
        md.append("\nOne epoch of MNIST, Adam, allreduce every step; a Spark standalone master and two 1-core workers "
                + "(separate JVMs on this machine), the cluster jar submitted with SparkSubmit in client mode. Both "
                + "workers share the machine's 2 cores with the driver, so efficiency is a lower bound for separate "
                + "hosts. Executors get 2 GiB of heap: with 1 GiB the single worker, which holds all 60,000 "
                + "records in one shard, ran out of Java heap while building it.\n");
        System.out.println(md);
        BenchReport.write("cluster-scaling", "Scaling on a standalone cluster: 2 workers x 1 core vs 1 worker x 1 core",
                "mvn -B -Pbench verify -pl it-tests -am -Dit.test=ClusterScalingBench -DskipTests=false -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false",
                BenchReport.machine(), md.toString());
    }
}

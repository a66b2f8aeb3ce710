package org.sparktrain.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sparktrain on real parts: a Spark standalone master with three 1-core workers (separate JVMs), the shaded cluster
 * jar submitted through Spark's own SparkSubmit in client and in cluster deploy mode, data read from and models
 * written to a real HDFS (MiniDFSCluster).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    static java.nio.file.Path work;
    static Hdfs hdfs;
    static StandaloneCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("sparktrain-it");
        hdfs = new Hdfs(work.resolve("hdfs"), 1);
        cluster = new StandaloneCluster(3, 1, "3g", work);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (hdfs != null) {
            hdfs.close();
        }
    }

    static String hdfs(String path) {
        return hdfs.uri() + path;
    }

    @Test
    @Order(1)
    void prepareMnistIntoHdfsInClientMode() throws Exception {
        StandaloneCluster.Submission s = cluster.submit("client", Map.of(), Duration.ofMinutes(5), "prepare",
                "--set", "source=mnist", "--set", "output=" + hdfs("/data/mnist"));
        assertEquals(0, s.exitCode(), s.output());
        FileSystem fs = hdfs.fs();
        JsonNode manifest = new ObjectMapper().readTree(fs.open(new Path("/data/mnist/manifest.json")));
        assertEquals(60000, manifest.at("/splits/train/count").asInt());
        assertEquals(10000, manifest.at("/splits/test/count").asInt());
    }

    @Test
    @Order(2)
    void trainOnTwoExecutorsFromHdfsInClientMode() throws Exception {
        StandaloneCluster.Submission s = cluster.submit("client", Map.of(), Duration.ofMinutes(8), "train-classifier",
                "--run-id", "mlp-cluster", "--set", "output=" + hdfs("/runs"), "--set", "data.dataset=" + hdfs("/data/mnist"),
                "--set", "model.type=mlp", "--set", "model.hidden=[64]", "--set", "engine.workers=2",
                "--set", "engine.batchSize=128", "--set", "engine.epochs=1", "--set", "engine.logEvery=100");
        assertEquals(0, s.exitCode(), s.output());
        assertTrue(s.output().contains("[mlp-cluster] epoch 1/1 | step 469/469 (100.0%)"), s.output());
        FileSystem fs = hdfs.fs();
        for (String f : new String[]{"model/classifier.zip", "model/model-card.json", "metrics.jsonl", "config.yaml",
                "report.html", "checkpoints/step-000000469/params.f32"}) {
            assertTrue(fs.exists(new Path("/runs/mlp-cluster/" + f)), f);
        }
        String metrics = new String(fs.open(new Path("/runs/mlp-cluster/metrics.jsonl")).readAllBytes());
        JsonNode validation = metrics.lines().map(l -> {
            try {
                return new ObjectMapper().readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(n -> n.path("type").asText().equals("validation")).reduce((a, b) -> b).orElseThrow();
        assertTrue(validation.get("accuracy").asDouble() > 0.9, validation.toString());
    }

    @Test
    @Order(3)
    void evaluateInClusterDeployMode() throws Exception {
        StandaloneCluster.Submission s = cluster.submit("cluster", Map.of(), Duration.ofMinutes(6), "evaluate",
                "--set", "run=" + hdfs("/runs/mlp-cluster"));
        assertTrue(s.output().contains("FINISHED"), "driver state: " + s.output());
        FileSystem fs = hdfs.fs();
        JsonNode eval = new ObjectMapper().readTree(fs.open(new Path("/runs/mlp-cluster/eval.json")));
        assertEquals(10000, eval.get("count").asInt());
        assertTrue(eval.get("accuracy").asDouble() > 0.9, eval.toString());
    }
}

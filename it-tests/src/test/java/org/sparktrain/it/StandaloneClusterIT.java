package org.sparktrain.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sparktrain on real parts: a Spark standalone master with three 1-core workers (separate JVMs), the shaded cluster
 * jar submitted through Spark's own SparkSubmit in client and in cluster deploy mode, data read from and models
 * written to a real HDFS (MiniDFSCluster). Two methods run end to end: the classifier (prepare, train, evaluate) and
 * the MoE classifier with loss-free balancing from its shipped config read from HDFS.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    static ClusterFixture fixture;
    static StandaloneCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        fixture = ClusterFixture.withHdfs("sparktrain-it", 3);
        cluster = fixture.cluster();
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    // the submit timeouts only stop a hung job: on an idle machine each step takes well under a minute or two, on a
    // loaded 2-core machine the same steps took over 5 minutes

    static String hdfs(String path) {
        return fixture.location(path);
    }

    @Test
    @Order(1)
    void prepareMnistIntoHdfsInClientMode() throws Exception {
        fixture.prepareMnist("data/mnist", Duration.ofMinutes(15));
        JsonNode manifest = RunFiles.json(fixture.fs(), "/data/mnist/manifest.json");
        assertEquals(60000, manifest.at("/splits/train/count").asInt());
        assertEquals(10000, manifest.at("/splits/test/count").asInt());
    }

    @Test
    @Order(2)
    void trainOnTwoExecutorsFromHdfsInClientMode() throws Exception {
        StandaloneCluster.Submission s = cluster.submit("client", Map.of(), Duration.ofMinutes(12), "train-classifier",
                "--run-id", "mlp-cluster", "--set", "output=" + hdfs("runs"), "--set", "data.dataset=" + hdfs("data/mnist"),
                "--set", "model.type=mlp", "--set", "model.hidden=[64]", "--set", "engine.workers=2",
                "--set", "engine.batchSize=128", "--set", "engine.epochs=1", "--set", "engine.logEvery=100");
        assertEquals(0, s.exitCode(), s.output());
        assertTrue(s.output().contains("[mlp-cluster] epoch 1/1 | step 469/469 (100.0%)"), s.output());
        FileSystem fs = fixture.fs();
        for (String f : new String[]{"model/classifier.zip", "model/model-card.json", "metrics.jsonl", "config.yaml",
                "report.html", "checkpoints/step-000000469/params.f32"}) {
            assertTrue(fs.exists(new Path("/runs/mlp-cluster/" + f)), f);
        }
        JsonNode validation = RunFiles.last(fs, "/runs/mlp-cluster/metrics.jsonl", "validation");
        assertTrue(validation.get("accuracy").asDouble() > 0.9, validation.toString());
    }

    @Test
    @Order(3)
    void evaluateInClusterDeployMode() throws Exception {
        StandaloneCluster.Submission s = cluster.submit("cluster", Map.of(), Duration.ofMinutes(10), "evaluate",
                "--set", "run=" + hdfs("runs/mlp-cluster"));
        assertTrue(s.output().contains("FINISHED"), "driver state: " + s.output());
        JsonNode eval = RunFiles.json(fixture.fs(), "/runs/mlp-cluster/eval.json");
        assertEquals(10000, eval.get("count").asInt());
        assertTrue(eval.get("accuracy").asDouble() > 0.9, eval.toString());
    }

    /**
     * train-moe from the shipped loss-free config, itself read from HDFS, for one epoch: accuracy, the loads the
     * metrics report, MaxVio falling as the routing biases move, and the biases in the model equal to those in the
     * final checkpoint.
     */
    @Test
    @Order(4)
    void trainMoeWithLossFreeBalancingFromAConfigOnHdfs() throws Exception {
        FileSystem fs = fixture.fs();
        fs.copyFromLocalFile(new Path(cluster.root().resolve("deploy/configs/train-moe-mnist-loss-free.yaml").toString()),
                new Path("/jobs/train-moe-mnist-loss-free.yaml"));
        StandaloneCluster.Submission s = cluster.submit("client", Map.of(), Duration.ofMinutes(15), "train-moe",
                "--config", hdfs("jobs/train-moe-mnist-loss-free.yaml"), "--run-id", "moe-cluster",
                "--set", "output=" + hdfs("runs"), "--set", "data.dataset=" + hdfs("data/mnist"),
                "--set", "engine.epochs=1", "--set", "engine.logEvery=50");
        assertEquals(0, s.exitCode(), s.output());
        assertTrue(s.output().contains("[moe-cluster] epoch 1/1 | step 469/469 (100.0%)"), s.output());
        String run = "/runs/moe-cluster/";
        String metrics = run + "metrics.jsonl";
        int layers = 2;
        int experts = 8;
        int topK = 2;

        // one MaxVio_batch per step; it falls as the biases balance the load
        List<JsonNode> steps = RunFiles.records(fs, metrics, "moe");
        assertEquals(469, steps.size());
        double first = 0;
        double lastHundred = 0;
        for (int i = 0; i < steps.size(); i++) {
            double v = steps.get(i).get("maxVioBatch").asDouble();
            assertTrue(Double.isFinite(v) && v >= 0, steps.get(i).toString());
            first += i < 100 ? v / 100 : 0;
            lastHundred += i >= 369 ? v / 100 : 0;
        }
        assertTrue(lastHundred < 0.7 * first, "MaxVio_batch steps 1-100: " + first + ", 370-469: " + lastHundred);
        // every token of a logged step (1, 50, ..., 450: full global batches) goes to K experts of every layer
        List<JsonNode> loads = RunFiles.records(fs, metrics, "moe-experts");
        assertEquals(10, loads.size());
        for (JsonNode e : loads) {
            for (int l = 0; l < layers; l++) {
                assertEquals(128 * topK, sum(e.get("layer" + l).get("tokens")), e.toString());
            }
        }

        JsonNode validation = RunFiles.last(fs, metrics, "moe-validation");
        assertTrue(validation.get("accuracy").asDouble() > 0.93, validation.toString());
        assertTrue(validation.get("maxVioGlobal").asDouble() < 0.5, validation.toString());
        assertEquals(0, validation.get("deadExperts").asInt(), validation.toString());
        float[] validationBias = new float[layers * experts];
        for (int l = 0; l < layers; l++) {
            JsonNode layer = validation.get("layer" + l);
            assertEquals(10000 * topK, sum(layer.get("tokens")), layer.toString());
            for (int i = 0; i < experts; i++) {
                validationBias[l * experts + i] = Float.parseFloat(layer.get("bias").get(i).asText());
            }
        }

        // the biases (L x N, replicated engine state) in the model, the last checkpoint and the validation record
        JsonNode model = RunFiles.json(fs, run + "model/moe-model.json");
        float[] bias = new float[model.get("bias").size()];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = Float.parseFloat(model.get("bias").get(i).asText());
        }
        assertEquals(layers * experts, bias.length);
        assertArrayEquals(RunFiles.floats(fs, run + "checkpoints/step-000000469/global.f32"), bias, 0f);
        assertArrayEquals(validationBias, bias, 0f);
        // sign rule, u = 1e-3: each bias is u times an integer of at most 469 steps, and they moved
        boolean moved = false;
        for (float b : bias) {
            double k = b / 1e-3;
            assertTrue(Math.abs(k - Math.rint(k)) < 0.05 && Math.abs(k) <= 469, "bias " + b);
            moved |= b != 0;
        }
        assertTrue(moved, "biases moved");
        for (String f : new String[]{"report.html", "config.yaml", "checkpoints/step-000000469/params.f32"}) {
            assertTrue(fs.exists(new Path(run + f)), f);
        }
    }

    static long sum(JsonNode array) {
        long s = 0;
        for (JsonNode v : array) {
            s += v.asLong();
        }
        return s;
    }
}

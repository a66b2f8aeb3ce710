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
 * written to a real HDFS (MiniDFSCluster). Three methods run end to end: the classifier (prepare, train, evaluate),
 * sensitivity sampling feeding the classifier (select with the trained model, train on the weighted selection), and
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
     * Sensitivity sampling with the classifier trained above (its loss at the k-means representatives, its penultimate
     * layer as the embedding, label-aware by default since k = 20 >= 10 classes): m = 3000 draws from the 60,000
     * training images. Checked on the manifest and on the
     * selection's Parquet rows read back from HDFS: the multiplicities add up to m, every weight is
     * multiplicity / (m p), the weights add up to the manifest's sum, which estimates n without bias.
     */
    @Test
    @Order(4)
    void selectWithTheTrainedModelOnHdfs() throws Exception {
        StandaloneCluster.Submission s = cluster.submit("client", Map.of(), Duration.ofMinutes(12), "select",
                "--run-id", "mnist-5pct", "--set", "data.dataset=" + hdfs("data/mnist"),
                "--set", "model=" + hdfs("runs/mlp-cluster"), "--set", "output=" + hdfs("data/mnist-5pct"),
                "--set", "selection.method=sensitivity", "--set", "selection.m=3000", "--set", "selection.k=20",
                "--set", "selection.embedding=model", "--set", "selection.maxIterations=10",
                "--set", "selection.seed=1");
        assertEquals(0, s.exitCode(), s.output());
        FileSystem fs = fixture.fs();
        JsonNode manifest = RunFiles.json(fs, "/data/mnist-5pct/manifest.json");
        JsonNode p = manifest.get("properties");
        assertEquals("sensitivity", p.get("selection.method").asText());
        assertEquals("model+label", p.get("selection.embedding").asText());
        assertEquals("true", p.get("selection.labelAware").asText());
        assertEquals(3000, Long.parseLong(p.get("selection.m").asText()));
        assertEquals(20, Integer.parseInt(p.get("selection.k").asText()));
        assertEquals(60000, Long.parseLong(p.get("selection.populationSize").asText()));
        // one row per distinct drawn record: at most m, and with 60,000 records far more than half of the m draws
        long rows = manifest.at("/splits/train/count").asLong();
        assertEquals(rows, Long.parseLong(p.get("selection.rows").asText()));
        assertTrue(rows > 1500 && rows <= 3000, "distinct records " + rows);
        // every digit is in the selection
        JsonNode histogram = manifest.at("/splits/train/classHistogram");
        assertEquals(10, histogram.size(), manifest.at("/splits/train").toString());
        for (JsonNode c : histogram) {
            assertTrue(c.asLong() > 0, manifest.at("/splits/train").toString());
        }
        assertEquals(10000, manifest.at("/splits/test/count").asInt(), "the test split is copied unchanged");

        // the rows themselves: distinct ids, multiplicities adding up to m, w = multiplicity / (m p) with p a
        // probability of a distribution over the 60,000 records (the distinct drawn ones hold at most all of it)
        List<double[]> selected = RunFiles.parquetColumns(fs, "/data/mnist-5pct/train", "id", "weight", "multiplicity",
                "probability");
        assertEquals(rows, selected.size());
        assertEquals(rows, selected.stream().mapToLong(r -> (long) r[0]).distinct().count(), "distinct ids");
        long draws = 0;
        double weightSum = 0;
        double probabilitySum = 0;
        for (double[] r : selected) {
            assertTrue(r[2] >= 1 && r[3] > 0 && r[3] < 1, java.util.Arrays.toString(r));
            assertEquals(r[2] / (3000 * r[3]), r[1], 1e-12 * r[1], "weight of record " + (long) r[0]);
            draws += (long) r[2];
            weightSum += r[1];
            probabilitySum += r[3];
        }
        assertEquals(3000, draws);
        assertTrue(probabilitySum <= 1 + 1e-9, "probabilities of the distinct drawn records sum to " + probabilitySum);
        double manifestWeightSum = Double.parseDouble(p.get("selection.weightSum").asText());
        assertEquals(manifestWeightSum, weightSum, 1e-9 * weightSum);
        // sum over draws of 1/(m p(x)) is an unbiased estimate of n = 60,000
        assertTrue(Math.abs(weightSum - 60000) < 0.15 * 60000, "sum of weights " + weightSum);
        System.out.printf("select on the cluster: %d distinct of m = 3000 draws, weights sum %.1f (n = 60000), "
                + "probabilities of the selected rows sum %.4f%n", rows, weightSum, probabilitySum);
    }

    /** train-classifier on the weighted selection; validation on the full dataset's test split. */
    @Test
    @Order(5)
    void trainOnTheWeightedSelection() throws Exception {
        long rows = RunFiles.json(fixture.fs(), "/data/mnist-5pct/manifest.json").at("/splits/train/count").asLong();
        StandaloneCluster.Submission s = cluster.submit("client", Map.of(), Duration.ofMinutes(10), "train-classifier",
                "--run-id", "mlp-selection", "--set", "output=" + hdfs("runs"),
                "--set", "data.dataset=" + hdfs("data/mnist"), "--set", "data.selection=" + hdfs("data/mnist-5pct"),
                "--set", "model.type=mlp", "--set", "model.hidden=[64]", "--set", "engine.workers=2",
                "--set", "engine.batchSize=64", "--set", "engine.epochs=3", "--set", "engine.logEvery=20");
        assertEquals(0, s.exitCode(), s.output());
        // the engine splits the selection's rows into 2 shards differing by at most one; an epoch is the bigger
        // shard in local batches of 32: it trained on the selection, not on the 60,000 records
        long steps = 3 * (((rows + 1) / 2 + 31) / 32);
        assertTrue(s.output().contains("[mlp-selection] trained " + steps + " steps"), steps + " steps: " + s.output());
        assertTrue(s.output().contains("weighted loss: column weight x " + String.format(java.util.Locale.ROOT, "%.6g",
                (double) rows / 60000)), s.output());
        JsonNode validation = RunFiles.last(fixture.fs(), "/runs/mlp-selection/metrics.jsonl", "validation");
        assertEquals("test", validation.get("split").asText(), validation.toString());
        assertTrue(validation.get("accuracy").asDouble() > 0.8, validation.toString());
        System.out.printf("train on the selection (%d rows, %d steps): test accuracy %.4f%n", rows, steps,
                validation.get("accuracy").asDouble());
    }

    /**
     * train-moe from the shipped loss-free config, itself read from HDFS, for one epoch: accuracy, the loads the
     * metrics report, MaxVio falling as the routing biases move, and the biases in the model equal to those in the
     * final checkpoint.
     */
    @Test
    @Order(6)
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

package org.sparktrain.jobs.biencoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.text.RetrievalDataset;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.train.TrainingTriple;
import org.sparktrain.testing.SharedSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * {@code select} on the training queries of a text-retrieval dataset (the small BEIR cut of the real Cranfield
 * collection, {@link CranfieldFixture#small}: 16 queries, 4 test, 2 validation), with the pretrained MiniLM for the
 * embedding and the zero-shot loss. k = 2 and m = 200 draws of the 10 training queries, so that every query is drawn
 * and the selection names every record's cluster: the test then recomputes every mass v(x) = ℓ(rep_A(x)) +
 * λ‖e_x − e_rep_A(x)‖², Z and p on the driver from its own MiniLM embeddings and its own hand-written loss of the
 * two representatives.
 */
@ExtendWith(SharedSpark.class)
class SelectQueriesJobSparkTest {
    @TempDir
    static Path shared;
    private static Path small;

    static synchronized Path small(SparkSession spark) throws java.io.IOException {
        if (small == null) {
            small = CranfieldFixture.small(spark, CranfieldFixture.prepare(shared), shared, 16, 60);
        }
        return small;
    }

    static String config(Path dataset, Path out, String selection) {
        return "runId: q\ndata:\n  dataset: " + dataset + "\n  testQueries: 4\n  validationQueries: 2\n"
                + "  negativesPerPositive: 2\noutput: " + out + "\nselection:\n" + selection;
    }

    @Test
    void selectsOnlyTrainingQueriesWithWeightsFromTheRecomputedMass(SparkSession spark, @TempDir Path dir)
            throws Exception {
        Path data = small(spark);
        Path out = dir.resolve("sel");
        StringBuilder log = new StringBuilder();
        Path yaml = Files.writeString(dir.resolve("select.yaml"), config(data, out,
                "  k: 2\n  m: 200\n  lambda: 0.5\n  seed: 3\n"));
        assertEquals(0, cli(List.of("select", "--config", yaml.toString()), log), log.toString());

        BiencoderTraining.Collection c = BiencoderTraining.load(spark, data.toString());
        BiencoderDataConfig d = new BiencoderDataConfig(data.toString(), null, 4, 2, null, null, 2, null, null, null,
                null);
        BiencoderTraining.Splits splits = BiencoderTraining.split(c, d);
        assertEquals(10, splits.train().size());
        List<String> eligible = new ArrayList<>();
        for (String q : splits.train()) {
            if (c.qrels().relevantCount(q, 1) > 0) {
                eligible.add(q);
            }
        }
        DatasetManifest manifest = PreparedDataset.readManifest(out.toString(),
                spark.sparkContext().hadoopConfiguration());
        assertEquals(Integer.toString(eligible.size()), manifest.properties().get("selection.populationSize"));
        assertEquals("minilm", manifest.properties().get("selection.embedding"));

        // the queries table's id of every eligible query, and its unit-normalised MiniLM embedding (driver, own code)
        Map<String, Long> rowId = new HashMap<>();
        for (Row r : RetrievalDataset.readTable(spark, data.toString(), RetrievalDataset.QUERIES).collectAsList()) {
            rowId.put(r.getAs("queryId"), r.getAs("id"));
        }
        Map<String, double[]> e = new HashMap<>();
        try (TextEncoder minilm = BaseEmbeddings.onnx(null, 32, 2).create()) {
            for (String q : eligible) {
                e.put(q, unit(minilm.encode(List.of(c.queries().get(q)))[0]));
            }
        }
        JsonNode summary = new ObjectMapper().readTree(out.resolve("selection.json").toFile());
        assertEquals(2, summary.get("clusters").size());
        Map<Integer, String> rep = new HashMap<>();
        Map<Integer, Double> repLoss = new HashMap<>();
        for (JsonNode cluster : summary.get("clusters")) {
            long repRow = cluster.get("representative").asLong();
            String q = eligible.stream().filter(x -> rowId.get(x) == repRow).findFirst().orElseThrow();
            double l = handLoss(c, q, d);
            assertEquals(l, cluster.get("representativeLoss").asDouble(), 1e-4, q);
            assertTrue(l > 0);
            rep.put(cluster.get("cluster").asInt(), q);
            repLoss.put(cluster.get("cluster").asInt(), l);
        }
        List<Row> rows = spark.read().parquet(out.resolve("train").toString()).collectAsList();
        assertEquals(eligible.size(), rows.size(), "every training query drawn at least once in 200 draws");
        double lambda = 0.5;
        Map<String, Double> v = new HashMap<>();
        double total = 0;
        for (Row r : rows) {
            String q = r.getAs("queryId");
            int j = r.getAs("cluster");
            double dist = 0;
            for (int i = 0; i < 384; i++) {
                double t = e.get(q)[i] - e.get(rep.get(j))[i];
                dist += t * t;
            }
            v.put(q, repLoss.get(j) + lambda * dist);
            total += repLoss.get(j) + lambda * dist;
        }

        Set<String> test = new HashSet<>(splits.test());
        Set<String> validation = new HashSet<>(splits.validation());
        long draws = 0;
        for (Row r : rows) {
            String q = r.getAs("queryId");
            assertTrue(eligible.contains(q), q + " is a training query with a judgment");
            assertFalse(test.contains(q) || validation.contains(q), q);
            assertEquals(rowId.get(q).longValue(), r.<Long>getAs("id").longValue());
            int mult = r.getAs("multiplicity");
            double p = v.get(q) / total;
            assertEquals(p, r.<Double>getAs("probability"), 1e-5 * p, q);
            assertEquals(mult / (200 * p), r.<Double>getAs("weight"), 1e-4 * mult / (200 * p), q);
            draws += mult;
        }
        assertEquals(200, draws);
    }

    @Test
    void rawOrPcaEmbeddingOfTextQueriesIsAClearError(SparkSession spark, @TempDir Path dir) throws Exception {
        Path data = small(spark);
        StringBuilder log = new StringBuilder();
        Path yaml = Files.writeString(dir.resolve("select.yaml"), config(data, dir.resolve("sel"),
                "  m: 5\n  embedding: pca\n"));
        int code = cli(List.of("select", "--config", yaml.toString()), log);
        assertNotEquals(0, code, log.toString());
        assertTrue(log.toString().contains("selection.embedding: pca does not apply to the queries"), log.toString());
    }

    private static List<String> train(Path dataset, Path runs, String runId, String... more) {
        return CranfieldFixture.trainBiencoder(List.of("data.dataset=" + dataset, "output=" + runs, "runId=" + runId,
                "data.testQueries=4", "data.validationQueries=2", "data.negativesPerPositive=2",
                "data.maxDocumentLength=64", "engine.batchSize=4", "engine.epochs=1", "engine.logEvery=1"), more);
    }

    /**
     * train-biencoder on a selection: only the selected queries' triples are used; with every (R/n)·w = 1 the weighted
     * run equals the unweighted run on the same queries ({@code data.weights: false}) loss for loss and in its
     * metrics; the real weights change the losses.
     */
    @Test
    void trainBiencoderOnASelectionUsesItsQueriesAndWeights(SparkSession spark, @TempDir Path dir) throws Exception {
        Path data = small(spark);
        Path sel = dir.resolve("sel");
        StringBuilder log = new StringBuilder();
        Path yaml = Files.writeString(dir.resolve("select.yaml"), config(data, sel, "  k: 2\n  m: 6\n  seed: 5\n"));
        assertEquals(0, cli(List.of("select", "--config", yaml.toString()), log), log.toString());
        List<Row> drawn = spark.read().parquet(sel.resolve("train").toString()).collectAsList();
        int r = drawn.size();
        DatasetManifest manifest = PreparedDataset.readManifest(sel.toString(),
                spark.sparkContext().hadoopConfiguration());
        long n = Long.parseLong(manifest.properties().get("selection.populationSize"));
        // the same selection with every weight n/R, so that (R/n)·w = 1
        Path ones = dir.resolve("ones");
        spark.read().parquet(sel.resolve("train").toString())
                .withColumn("weight", org.apache.spark.sql.functions.lit((double) n / r))
                .write().parquet(ones.resolve("train").toString());
        Files.copy(sel.resolve(PreparedDataset.MANIFEST), ones.resolve(PreparedDataset.MANIFEST));

        Path runs = dir.resolve("runs");
        StringBuilder weighted = new StringBuilder();
        assertEquals(0, cli(train(data, runs, "ones", "data.selection=" + ones), weighted), weighted.toString());
        StringBuilder plain = new StringBuilder();
        assertEquals(0, cli(train(data, runs, "plain", "data.selection=" + ones, "data.weights=false"), plain),
                plain.toString());
        StringBuilder real = new StringBuilder();
        long t0 = System.nanoTime();
        assertEquals(0, cli(train(data, runs, "real", "data.selection=" + sel), real), real.toString());
        System.out.printf("train-biencoder on the selection: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertTrue(weighted.toString().contains(r + " selected training queries of " + n + ", weighted"),
                weighted.toString());
        assertTrue(weighted.toString().contains("; " + r + " train / 2 validation / 4 test queries"),
                weighted.toString());

        List<Double> onesLoss = losses(runs.resolve("ones"));
        List<Double> plainLoss = losses(runs.resolve("plain"));
        List<Double> realLoss = losses(runs.resolve("real"));
        assertTrue(onesLoss.size() >= 2, onesLoss.toString());
        assertEquals(plainLoss, onesLoss, "all weights 1 = unweighted on the same queries");
        JsonNode a = new ObjectMapper().readTree(runs.resolve("ones").resolve("eval.json").toFile());
        JsonNode b = new ObjectMapper().readTree(runs.resolve("plain").resolve("eval.json").toFile());
        assertEquals(b.get("test").get("ndcg10").asDouble(), a.get("test").get("ndcg10").asDouble(), 0);
        assertEquals(b.get("validation").get("ndcg10").asDouble(), a.get("validation").get("ndcg10").asDouble(), 0);
        assertNotEquals(plainLoss, realLoss, "the selection weights change the training losses");

        // select again with the trained bi-encoder's loss (model: a run directory, loaded through SavedEncoder)
        Path bySel = dir.resolve("by-model");
        Path byYaml = Files.writeString(dir.resolve("by-model.yaml"), config(data, bySel, "  k: 2\n  m: 6\n  seed: 5\n")
                + "model: " + runs.resolve("plain") + "\n");
        t0 = System.nanoTime();
        assertEquals(0, cli(List.of("select", "--config", byYaml.toString()), log), log.toString());
        System.out.printf("select with a trained bi-encoder: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        DatasetManifest byManifest = PreparedDataset.readManifest(bySel.toString(),
                spark.sparkContext().hadoopConfiguration());
        assertTrue(byManifest.properties().get("selection.model").startsWith("bi-encoder "),
                byManifest.properties().toString());
        BiencoderTraining.Collection c = BiencoderTraining.load(spark, data.toString());
        BiencoderDataConfig d = new BiencoderDataConfig(data.toString(), null, 4, 2, null, null, 2, null, null, null,
                null);
        Map<String, Long> rowId = new HashMap<>();
        for (Row row : RetrievalDataset.readTable(spark, data.toString(), RetrievalDataset.QUERIES).collectAsList()) {
            rowId.put(row.getAs("queryId"), row.getAs("id"));
        }
        for (JsonNode cluster : new ObjectMapper().readTree(bySel.resolve("selection.json").toFile()).get("clusters")) {
            long repRow = cluster.get("representative").asLong();
            String q = rowId.entrySet().stream().filter(x -> x.getValue() == repRow).findFirst().orElseThrow().getKey();
            double hand = handLoss(c, q, d, org.sparktrain.retrieval.encoder.SavedEncoder.factory(
                    runs.resolve("plain").resolve("model").toString(), 2));
            assertEquals(hand, cluster.get("representativeLoss").asDouble(), 1e-6, q);
        }
    }

    /** The {@code loss} of every {@code step} record of a run's metrics.jsonl. */
    private static List<Double> losses(Path run) throws java.io.IOException {
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode j = new ObjectMapper().readTree(line);
            if (j.has("loss")) {
                out.add(j.get("loss").asDouble());
            }
        }
        return out;
    }

    /** The adaptive relevance-margin loss of the query's BM25 triples, by hand: mean (P − N − (D + 1)/2)². */
    static double handLoss(BiencoderTraining.Collection c, String q, BiencoderDataConfig d) throws Exception {
        return handLoss(c, q, d, BaseEmbeddings.onnx(null, 256, 2));
    }

    /** {@link #handLoss} under any encoder. */
    static double handLoss(BiencoderTraining.Collection c, String q, BiencoderDataConfig d,
                           TextEncoder.Factory encoder) throws Exception {
        List<TrainingTriple> triples = BiencoderTraining.mine(c, List.of(q), d);
        assertFalse(triples.isEmpty());
        double sum = 0;
        try (TextEncoder minilm = encoder.create()) {
            for (TrainingTriple t : triples) {
                float[][] x = minilm.encode(List.of(c.queries().get(q), c.documents().get(t.positiveId()),
                        c.documents().get(t.negativeId())));
                double[] qe = unit(x[0]);
                double[] pe = unit(x[1]);
                double[] ne = unit(x[2]);
                double r = dot(qe, pe) - dot(qe, ne) - (dot(pe, ne) + 1) / 2;
                sum += r * r;
            }
        }
        return sum / triples.size();
    }

    static double[] unit(float[] x) {
        double n = 0;
        for (float f : x) {
            n += (double) f * f;
        }
        n = Math.sqrt(n);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / n;
        }
        return out;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

package org.sparktrain.jobs.contrastive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.testing.IdxFiles;
import org.sparktrain.testing.SharedSpark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * prepare → select (uniform) → train-contrastive on the selection through the CLI, both ways (docs/selection.md):
 * {@code data.selection} next to the full dataset (probe on the full train split) and the selection as
 * {@code data.dataset} (probe on the selection). eval.json and the model file say which weighting was used;
 * {@code data.weights=false} has the same per-step training losses as the same rows copied into a dataset without a
 * weight column, and the weights change those losses; a long-tail setting on a selection exits 2 naming the key.
 */
@ExtendWith(SharedSpark.class)
class TrainContrastiveSelectionSparkTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static List<String> train(Path dir, String runId, String method, String... extra) {
        List<String> a = new ArrayList<>(List.of("train-contrastive", "--config",
                Path.of("..", "deploy", "configs", "train-contrastive-isogclr-fashion-mnist.yaml").toString(),
                "--set", "data.dataset=" + dir.resolve("prepared"), "--set", "output=" + dir.resolve("runs"),
                "--set", "runId=" + runId, "--set", "method=" + method, "--set", "model.encoderHidden=16",
                "--set", "model.features=8", "--set", "model.headHidden=8", "--set", "model.projection=8",
                "--set", "engine.batchSize=16", "--set", "engine.epochs=1", "--set", "engine.logEvery=2",
                "--set", "probe.maxIterations=20"));
        a.addAll(List.of(extra));
        return a;
    }

    static List<Double> losses(Path run) throws IOException {
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if ("train".equals(n.get("type").asText())) {
                out.add(n.get("loss").asDouble());
            }
        }
        return out;
    }

    @Test
    void trainsOnASelectionBothWays(SparkSession spark, @TempDir Path dir) throws IOException {
        StringBuilder log = new StringBuilder();
        IdxFiles.write(dir.resolve("idx"), 320, 96, 12, 4, 5);
        Path prepare = Files.writeString(dir.resolve("prepare.yaml"), "source: idx\ndir: " + dir.resolve("idx")
                + "\nname: stripes\noutput: " + dir.resolve("prepared") + "\n");
        assertEquals(0, cli(List.of("prepare", "--config", prepare.toString()), log), log.toString());
        Path selected = dir.resolve("selected");
        assertEquals(0, cli(List.of("select", "--run-id", "sel", "--set", "data.dataset=" + dir.resolve("prepared"),
                "--set", "output=" + selected, "--set", "selection.method=uniform", "--set", "selection.m=100",
                "--set", "selection.seed=2"), log), log.toString());
        long rows = PreparedDataset.readManifest(selected.toString(), spark.sparkContext().hadoopConfiguration())
                .split("train").count();
        String weighted = "selection weights x R/n = " + rows + "/320 (unbiased estimate of the full-data mean loss)";

        // 1. data.selection next to the full dataset: pre-training on the selection, the probe on the full train split
        assertEquals(0, cli(train(dir, "next", "isogclr", "--set", "data.selection=" + selected), log),
                log.toString());
        assertTrue(log.toString().contains("[next] weighted loss: column weight"), log.toString());
        JsonNode eval = JSON.readTree(dir.resolve("runs/next/eval.json").toFile());
        assertEquals(weighted, eval.get("weights").asText());
        assertEquals(selected + "/train", eval.get("trainData").asText());
        assertEquals(dir.resolve("prepared") + "/train", eval.get("probeTrainData").asText());
        assertEquals(96, eval.get("count").asLong(), "probe scored on the full dataset's test split");
        long trained = 0;
        for (JsonNode c : eval.get("trainClassCounts")) {
            trained += c.asLong();
        }
        assertEquals(rows / 16 * 16, trained, "the selection's rows, trimmed to whole batches of 16");
        JsonNode model = JSON.readTree(dir.resolve("runs/next/model/contrastive-encoder.json").toFile());
        assertEquals(weighted, model.get("weights").asText());

        // 2. the selection as the dataset, weighted and with data.weights=false
        assertEquals(0, cli(train(dir, "as-dataset", "simclr", "--set", "data.dataset=" + selected), log),
                log.toString());
        eval = JSON.readTree(dir.resolve("runs/as-dataset/eval.json").toFile());
        assertEquals(weighted, eval.get("weights").asText());
        assertEquals(selected + "/train", eval.get("probeTrainData").asText());
        assertEquals(96, eval.get("count").asLong(), "the selection's copied test split");
        assertEquals(0, cli(train(dir, "unweighted", "simclr", "--set", "data.dataset=" + selected,
                "--set", "data.weights=false"), log), log.toString());
        assertTrue(JSON.readTree(dir.resolve("runs/unweighted/eval.json").toFile()).get("weights").asText()
                .startsWith("unweighted (data.weights is false"));

        // 3. the same rows without a weight column (and without selection.populationSize) train like weights=false
        Path plain = dir.resolve("plain");
        FileUtils.copyDirectory(selected.resolve("test").toFile(), plain.resolve("test").toFile());
        spark.read().parquet(selected.resolve("train").toString())
                .select(PreparedDataset.ID, PreparedDataset.FEATURES, PreparedDataset.LABEL)
                .write().parquet(plain.resolve("train").toString());
        ObjectNode manifest = (ObjectNode) JSON.readTree(selected.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.get("properties")).remove("selection.populationSize");
        Files.writeString(plain.resolve("manifest.json"), JSON.writeValueAsString(manifest));
        assertEquals(0, cli(train(dir, "plain", "simclr", "--set", "data.dataset=" + plain), log), log.toString());
        assertEquals("unweighted (no weight column)",
                JSON.readTree(dir.resolve("runs/plain/eval.json").toFile()).get("weights").asText());

        List<Double> off = losses(dir.resolve("runs/unweighted"));
        List<Double> none = losses(dir.resolve("runs/plain"));
        List<Double> on = losses(dir.resolve("runs/as-dataset"));
        assertEquals(rows / 16, off.size(), "one train record per step");
        assertEquals(none, off, "data.weights=false trains exactly like the rows without a weight column");
        assertNotEquals(off, on, "the weights change the training losses");
        System.out.printf("train-contrastive on a %d-row selection: first losses weighted %.5f, unweighted %.5f%n",
                rows, on.get(0), off.get(0));

        // 4. a long tail of a selection is refused, naming the key, with no run written
        StringBuilder refused = new StringBuilder();
        assertEquals(2, cli(train(dir, "lt", "simclr", "--set", "data.dataset=" + selected,
                "--set", "data.imbalanceRatio=10"), refused), refused.toString());
        assertTrue(refused.toString().contains("data.imbalanceRatio: 10.0 must stay at its default on a selection"),
                refused.toString());
        assertTrue(!Files.exists(dir.resolve("runs/lt")), "no run directory");
    }
}

package org.sparktrain.jobs.moe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.testing.IdxFiles;
import org.sparktrain.testing.SharedSpark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * {@code train-moe} end to end through the CLI with the shipped configs (deploy/configs/train-moe-mnist-*.yaml),
 * shrunk by {@code --set} to a small IDX dataset: the run learns, logs MaxVio_batch every step, loads and biases,
 * and MaxVio_global after every epoch, writes the model with its biases; the biases it saved are the engine's
 * (multiples of u under the sign rule) and they moved away from 0 only for loss-free balancing.
 */
@ExtendWith(SharedSpark.class)
class TrainMoeJobSparkTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static List<String> train(String strategy, Path dir, String... extra) {
        List<String> a = new ArrayList<>(List.of("train-moe", "--config",
                Path.of("..", "deploy", "configs", "train-moe-mnist-" + strategy + ".yaml").toString(),
                "--set", "data.dataset=" + dir.resolve("prepared"), "--set", "output=" + dir.resolve("runs"),
                "--set", "runId=" + strategy, "--set", "model.dModel=16", "--set", "model.experts=4",
                "--set", "model.expertHidden=16", "--set", "engine.batchSize=32", "--set", "engine.epochs=2",
                "--set", "engine.logEvery=5", "--set", "optimizer.learningRate=0.01"));
        a.addAll(List.of(extra));
        return a;
    }

    static List<JsonNode> records(Path metrics, String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            JsonNode n = JSON.readTree(line);
            if (type.equals(n.get("type").asText())) {
                out.add(n);
            }
        }
        return out;
    }

    /** A small IDX dataset (320 train, 96 test images of 12x12, 4 classes) prepared to {@code dir/prepared}. */
    static void prepareStripes(Path dir, StringBuilder log) throws IOException {
        IdxFiles.write(dir.resolve("idx"), 320, 96, 12, 4, 5);
        Path prepare = Files.writeString(dir.resolve("prepare.yaml"), "source: idx\ndir: " + dir.resolve("idx")
                + "\nname: stripes\noutput: " + dir.resolve("prepared") + "\n");
        assertEquals(0, cli(List.of("prepare", "--config", prepare.toString()), log), log.toString());
    }

    @Test
    void lossFreeAndNoneRunsThroughTheCli(SparkSession spark, @TempDir Path dir) throws IOException {
        StringBuilder log = new StringBuilder();
        prepareStripes(dir, log);
        assertEquals(0, cli(train("aux", dir, "--dry-run"), log), log.toString());

        assertEquals(0, cli(train("loss-free", dir, "--set", "balancing.rate=0.01"), log), log.toString());
        assertEquals(0, cli(train("none", dir), log), log.toString());

        for (String strategy : List.of("loss-free", "none")) {
            Path run = dir.resolve("runs").resolve(strategy);
            Path metrics = run.resolve("metrics.jsonl");
            List<JsonNode> steps = records(metrics, "moe");
            assertEquals(20, steps.size(), "one moe record per step (2 epochs x 320/32)");
            for (JsonNode s : steps) {
                double v = s.get("maxVioBatch").asDouble();
                assertTrue(v >= 0 && v <= 3, "MaxVio_batch in [0, N-1]: " + v);
            }
            List<JsonNode> validation = records(metrics, "moe-validation");
            assertEquals(2, validation.size());
            JsonNode lastEpoch = validation.get(1);
            assertTrue(lastEpoch.get("accuracy").asDouble() > 0.9, strategy + " learns the stripes: " + lastEpoch);
            double tokens = 0;
            for (JsonNode t : lastEpoch.at("/layer0/tokens")) {
                tokens += t.asDouble();
            }
            assertEquals(96 * 2, tokens, 0, "validation loads count every test token K = 2 times");
            assertTrue(records(metrics, "moe-experts").size() >= 4);

            JsonNode model = JSON.readTree(run.resolve("model/moe-model.json").toFile());
            JsonNode bias = model.get("bias");
            assertEquals(2 * 4, bias.size());
            boolean moved = false;
            for (JsonNode b : bias) {
                double k = b.asDouble() / 0.01;
                moved |= b.asDouble() != 0;
                if (strategy.equals("none")) {
                    assertEquals(0.0, b.asDouble(), "no balancing: the bias stays 0");
                } else {
                    assertTrue(Math.abs(k - Math.rint(k)) < 1e-3, "sign rule: multiples of u, got " + b);
                }
            }
            assertEquals(strategy.equals("loss-free"), moved, strategy);
            for (int i = 0; i < 4; i++) {
                assertEquals(bias.get(i).asDouble(), lastEpoch.at("/layer0/bias/" + i).asDouble(), 0,
                        "the last validation routed with the final biases");
            }
            System.out.printf("train-moe %s: accuracy %.3f, MaxVio_global %.3f, last MaxVio_batch %.3f%n", strategy,
                    lastEpoch.get("accuracy").asDouble(), lastEpoch.get("maxVioGlobal").asDouble(),
                    steps.get(steps.size() - 1).get("maxVioBatch").asDouble());
            assertTrue(Files.exists(run.resolve("report.html")), "report written");
        }
    }

    /**
     * select (uniform) then train-moe on the selection through the CLI: the run says it weights by R/n and records
     * it in the model; {@code data.weights=false} trains unweighted on the same records and says so.
     */
    @Test
    void trainsOnASelectionWithWeights(SparkSession spark, @TempDir Path dir) throws IOException {
        StringBuilder log = new StringBuilder();
        prepareStripes(dir, log);
        assertEquals(0, cli(List.of("select", "--run-id", "sel", "--set", "data.dataset=" + dir.resolve("prepared"),
                "--set", "output=" + dir.resolve("selected"), "--set", "selection.method=uniform",
                "--set", "selection.m=100", "--set", "selection.seed=2"), log), log.toString());
        long rows = org.sparktrain.data.PreparedDataset.readManifest(dir.resolve("selected").toString(),
                spark.sparkContext().hadoopConfiguration()).split("train").count();

        assertEquals(0, cli(train("loss-free", dir, "--set", "data.selection=" + dir.resolve("selected"),
                "--set", "engine.epochs=1"), log), log.toString());
        assertTrue(log.toString().contains("weighted loss: column weight"), log.toString());
        JsonNode model = JSON.readTree(dir.resolve("runs/loss-free/model/moe-model.json").toFile());
        assertEquals("selection weights x R/n = " + rows + "/320 (unbiased estimate of the full-data mean loss)",
                model.get("weights").asText());
        assertEquals(dir.resolve("selected") + "/train", model.get("trainData").asText());
        assertEquals(1, records(dir.resolve("runs/loss-free/metrics.jsonl"), "moe-validation").size(),
                "validation on the full dataset's test split");

        assertEquals(0, cli(train("none", dir, "--set", "data.selection=" + dir.resolve("selected"),
                "--set", "data.weights=false", "--set", "engine.epochs=1"), log), log.toString());
        assertTrue(JSON.readTree(dir.resolve("runs/none/model/moe-model.json").toFile()).get("weights").asText()
                .startsWith("unweighted (data.weights is false"));
    }
}

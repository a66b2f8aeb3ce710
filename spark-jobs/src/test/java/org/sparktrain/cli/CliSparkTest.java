package org.sparktrain.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.testing.CliRun;
import org.sparktrain.testing.IdxFiles;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.zoo.ClassifierModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * The CLI end to end on real files in the real formats: prepare -> train-classifier -> evaluate on generated IDX
 * data, and every kind of bad input giving exit code 2, a message naming the file or key, and no partial output.
 */
@ExtendWith(SharedSpark.class)
class CliSparkTest {
    @TempDir
    static Path dir;

    static Path yaml(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    static boolean hasTempLeftovers(Path parent) throws IOException {
        if (!Files.exists(parent)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(parent)) {
            return s.anyMatch(p -> p.getFileName().toString().contains(".tmp-"));
        }
    }

    @BeforeAll
    static void data(SparkSession spark) throws IOException {
        IdxFiles.write(dir.resolve("idx"), 600, 200, 12, 4, 1);
    }

    @Test
    void prepareTrainEvaluateThroughTheCli() throws IOException {
        Path prepare = yaml("prepare.yaml", "source: idx\ndir: " + dir.resolve("idx") + "\nname: stripes\noutput: "
                + dir.resolve("prepared") + "\n");
        CliRun p = cli("prepare", "--config", prepare.toString());
        assertEquals(0, p.code(), p.err());
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("prepared/manifest.json").toFile());
        assertEquals(600, manifest.at("/splits/train/count").asInt());
        assertEquals(200, manifest.at("/splits/test/count").asInt());
        assertEquals(150, manifest.at("/splits/train/classHistogram/3").asInt());

        Path train = yaml("train.yaml", String.join("\n", "runId: cli-mlp", "output: " + dir.resolve("runs"),
                "data: {dataset: " + dir.resolve("prepared") + "}", "model: {type: mlp, hidden: [32]}",
                "engine: {workers: 2, batchSize: 32, epochs: 2, checkpointEvery: 10, logEvery: 5}",
                "optimizer: {type: adam, learningRate: 0.01}", ""));
        CliRun dry = cli("train-classifier", "--config", train.toString(), "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().contains("arguments and config are valid"), dry.out());
        CliRun checked = cli("train-classifier", "--config", train.toString(), "--validate");
        assertEquals(0, checked.code(), checked.err());
        assertTrue(checked.out().contains("config, inputs and outputs are valid"), checked.out());
        assertFalse(Files.exists(dir.resolve("runs/cli-mlp")), "neither mode writes anything");
        // --dry-run does not look at the data; --validate does and names the missing dataset
        String missing = "data.dataset=" + dir.resolve("no-such-dataset");
        assertEquals(0, cli("train-classifier", "--config", train.toString(), "--set", missing, "--dry-run").code());
        CliRun bad = cli("train-classifier", "--config", train.toString(), "--set", missing, "--validate");
        assertEquals(2, bad.code(), bad.out());
        assertTrue(bad.err().contains("no-such-dataset"), bad.err());
        CliRun typo = cli("train-classifier", "--config", train.toString(), "--set", "engine.wrokers=2", "--dry-run");
        assertEquals(2, typo.code(), typo.out());
        assertTrue(typo.err().contains("wrokers"), typo.err());

        CliRun t = cli("train-classifier", "--config", train.toString());
        assertEquals(0, t.code(), t.err());
        Path run = dir.resolve("runs/cli-mlp");
        assertTrue(t.out().contains("epoch 2/2 | step 38/38 (100.0%)"), t.out());
        for (String f : List.of("config.yaml", "metrics.jsonl", "model/classifier.zip", "model/model.properties",
                "model/model-card.json", "model/model-card.md", "checkpoints")) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertTrue(metrics.stream().filter(l -> l.contains("\"type\":\"validation\"")).count() == 2, metrics.toString());

        CliRun e = cli("evaluate", "--set", "run=" + run);
        assertEquals(0, e.code(), e.err());
        JsonNode eval = new ObjectMapper().readTree(run.resolve("eval.json").toFile());
        assertEquals(200, eval.get("count").asInt());
        assertTrue(eval.get("accuracy").asDouble() > 0.9, "stripes are easy: " + eval);

        // the saved model loads in a plain JVM (no Spark) and agrees with the evaluation
        ClassifierModel model = ClassifierModel.load(run.resolve("model"));
        long[][] cm = new long[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                cm[i][j] = eval.at("/confusionMatrix/" + i + "/" + j).asLong();
            }
        }
        float[] stripe = new float[144];
        for (int r = 0; r < 12; r++) {
            for (int c = 0; c < 12; c++) {
                stripe[r * 12 + c] = (r % 4 == 2 ? 220 : 40) / 255f;
            }
        }
        assertEquals(2, model.predict(stripe));
    }

    @Test
    void corruptMagicTruncatedFileAndCountMismatchFailCleanly() throws IOException {
        Path bad = dir.resolve("bad-magic");
        IdxFiles.write(bad, 50, 20, 8, 2, 2);
        IdxFiles.images(bad.resolve("train-images-idx3-ubyte.gz"), 50, 8, 2, new Random(1), 0x1234);
        assertPrepareFails(bad, "train-images-idx3-ubyte.gz", "0x00001234");

        Path truncated = dir.resolve("truncated");
        IdxFiles.write(truncated, 50, 20, 8, 2, 3);
        IdxFiles.truncate(truncated.resolve("t10k-images-idx3-ubyte.gz"), 16 + 64 * 7 + 10);
        assertPrepareFails(truncated, "t10k-images-idx3-ubyte.gz", "record 7");

        Path mismatch = dir.resolve("mismatch");
        IdxFiles.write(mismatch, 50, 20, 8, 2, 4);
        IdxFiles.labels(mismatch.resolve("train-labels-idx1-ubyte.gz"), 49, 2);
        assertPrepareFails(mismatch, "train-labels-idx1-ubyte.gz", "49");
    }

    static void assertPrepareFails(Path idx, String file, String detail) throws IOException {
        Path out = dir.resolve("out-" + idx.getFileName());
        CliRun r = cli("prepare", "--set", "source=idx", "--set", "dir=" + idx, "--set", "output=" + out);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(file) && r.err().contains(detail), r.err());
        assertFalse(Files.exists(out), "no partial output");
        assertFalse(hasTempLeftovers(dir), "no temporary leftovers");
    }

    @Test
    void unknownKeysMissingPathsAndUnwritableOutputsAreNamed() throws IOException {
        CliRun unknown = cli("train-classifier", "--set", "data.dataset=/x", "--set", "engine.wrokers=2");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown config key 'engine.wrokers'"), unknown.err());

        CliRun missing = cli("train-classifier", "--set", "data.dataset=" + dir.resolve("nope"),
                "--set", "output=" + dir.resolve("runs2"));
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains(dir.resolve("nope").toString()), missing.err());
        assertFalse(Files.exists(dir.resolve("runs2")));

        CliRun missingIdx = cli("prepare", "--set", "source=idx", "--set", "dir=" + dir.resolve("no-idx"),
                "--set", "output=" + dir.resolve("p2"));
        assertEquals(2, missingIdx.code());
        assertTrue(missingIdx.err().contains(dir.resolve("no-idx").toString()), missingIdx.err());

        Path file = Files.writeString(dir.resolve("a-file"), "x");
        CliRun unwritable = cli("prepare", "--set", "source=idx", "--set", "dir=" + dir.resolve("idx"),
                "--set", "output=" + file.resolve("sub/out"));
        assertEquals(2, unwritable.code());
        assertTrue(unwritable.err().contains(file.toString()), unwritable.err());

        CliRun noJob = cli("frobnicate");
        assertEquals(2, noJob.code());
        assertTrue(noJob.err().contains("unknown job 'frobnicate'"), noJob.err());
        CliRun noConfig = cli("prepare", "--config", dir.resolve("missing.yaml").toString());
        assertEquals(2, noConfig.code());
        assertTrue(noConfig.err().contains("missing.yaml does not exist"), noConfig.err());
    }
}

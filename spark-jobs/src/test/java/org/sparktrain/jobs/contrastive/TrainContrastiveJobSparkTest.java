package org.sparktrain.jobs.contrastive;

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
 * {@code train-contrastive} end to end through the CLI with the shipped iSogCLR config, shrunk by {@code --set} to
 * a small IDX dataset made long-tailed (ratio 4): the run trains on a long-tailed, batch-trimmed subset, the probe
 * learns the classes, and eval.json holds the per-class temperatures of exactly the training records.
 */
@ExtendWith(SharedSpark.class)
class TrainContrastiveJobSparkTest {
    @Test
    void isogclrOnALongTailedSetThroughTheCli(SparkSession spark, @TempDir Path dir) throws IOException {
        IdxFiles.write(dir.resolve("idx"), 400, 120, 12, 4, 5);
        StringBuilder log = new StringBuilder();
        Path prepare = Files.writeString(dir.resolve("prepare.yaml"), "source: idx\ndir: " + dir.resolve("idx")
                + "\nname: stripes\noutput: " + dir.resolve("prepared") + "\n");
        assertEquals(0, cli(List.of("prepare", "--config", prepare.toString()), log), log.toString());
        List<String> args = new ArrayList<>(List.of("train-contrastive", "--config",
                Path.of("..", "deploy", "configs", "train-contrastive-isogclr-fashion-mnist.yaml").toString(),
                "--set", "data.dataset=" + dir.resolve("prepared"), "--set", "output=" + dir.resolve("runs"),
                "--set", "runId=lt", "--set", "data.imbalanceRatio=4", "--set", "model.encoderHidden=32",
                "--set", "model.features=16", "--set", "model.headHidden=16", "--set", "model.projection=8",
                "--set", "engine.batchSize=32", "--set", "engine.epochs=2", "--set", "engine.logEvery=5",
                "--set", "loss.eta=0.05", "--set", "probe.trainData=both"));
        assertEquals(0, cli(args, log), log.toString());

        JsonNode eval = new ObjectMapper().readTree(dir.resolve("runs/lt/eval.json").toFile());
        assertEquals("isogclr", eval.get("method").asText());
        assertEquals(120, eval.get("count").asLong());
        assertTrue(eval.get("accuracy").asDouble() > 0.6, "probe accuracy " + eval.get("accuracy"));
        // class sizes before trimming: 100 * 4^(-k/3) = 100, 63, 40, 25 (IdxFiles cycles labels: 100 per class)
        assertEquals(List.of(100L, 63L, 40L, 25L), toList(LongTailSubset.classSizes(new long[]{100, 100, 100, 100}, 4)));
        // data.maxPerClass caps first, then the long tail starts from the cap: 50 * 4^(-k/3) = 50, 31.5, 19.8, 12.5
        assertEquals(List.of(50L, 31L, 20L, 13L),
                toList(LongTailSubset.classSizes(new long[]{100, 100, 100, 100}, 4, 50)));
        assertEquals(List.of(50L, 30L, 50L, 50L), toList(LongTailSubset.classSizes(new long[]{100, 30, 100, 60}, 1, 50)));
        long total = 0;
        JsonNode counts = eval.get("trainClassCounts");
        JsonNode perClass = eval.get("temperatures").get("perClass");
        for (int k = 0; k < 4; k++) {
            long c = counts.get(k).asLong();
            total += c;
            assertEquals(c, perClass.get(k).get("count").asLong(), "class " + k);
            long histogram = 0;
            for (JsonNode h : perClass.get(k).get("histogram")) {
                histogram += h.asLong();
            }
            assertEquals(c, histogram);
            double mean = perClass.get(k).get("meanTau").asDouble();
            assertTrue(mean >= 0.05 && mean <= 0.7, "mean tau in bounds: " + mean);
        }
        assertEquals(224, total, "228 long-tailed records trimmed to 7 global batches of 32");
        // probe.trainData=both: the main probe is fitted on exactly the 224 pre-training records, the second one on
        // the whole train split (400), both scored on the same 120 test records
        assertEquals(224, eval.get("probeTrainCount").asLong());
        JsonNode full = eval.get("fullTrainProbe");
        assertEquals(400, full.get("probeTrainCount").asLong());
        assertEquals(dir.resolve("prepared") + "/train", full.get("probeTrainData").asText());
        assertEquals(4, full.get("perClassAccuracy").size());
        assertTrue(full.get("accuracy").asDouble() > 0.6, "full-split probe accuracy " + full.get("accuracy"));
        assertTrue(counts.get(0).asLong() > counts.get(3).asLong());
        assertTrue(Files.exists(dir.resolve("runs/lt/model/contrastive-encoder.json")));
        assertTrue(Files.readString(dir.resolve("runs/lt/report.html")).contains("Temperatures per class"),
                log.toString());
        assertTrue(Files.exists(dir.resolve("runs/lt/report/" + TemperatureSection.PNG)));
    }

    static List<Long> toList(long[] v) {
        List<Long> out = new ArrayList<>();
        for (long x : v) {
            out.add(x);
        }
        return out;
    }
}

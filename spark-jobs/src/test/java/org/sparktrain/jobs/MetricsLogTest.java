package org.sparktrain.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** metrics.jsonl on resume: records up to the checkpoint's step are kept, later ones and a cut-off line dropped. */
class MetricsLogTest {
    private static final Configuration CONF = new Configuration();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void writeSteps(String path, long keep, int... steps) {
        try (MetricsLog log = MetricsLog.open(path, CONF, keep)) {
            for (int s : steps) {
                log.write(MetricsLog.record("train").put("step", s));
            }
        }
    }

    private static List<String> types(Path file) throws IOException {
        List<String> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode n = JSON.readTree(line);
            out.add(n.get("type").asText() + ":" + (n.has("step") ? n.get("step").asText() : ""));
        }
        return out;
    }

    @Test
    void resumeKeepsRecordsUpToTheCheckpointStepAndRecordsWithoutAStep(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file.toString(), CONF, -1)) {
            log.write(MetricsLog.record("config"));
            for (int s = 1; s <= 5; s++) {
                log.write(MetricsLog.record("train").put("step", s));
            }
        }
        // a crash in the middle of a line
        Files.writeString(file, "{\"type\":\"train\",\"st", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        writeSteps(file.toString(), 3, 4, 5, 6);
        assertEquals(List.of("config:", "train:1", "train:2", "train:3", "train:4", "train:5", "train:6"),
                types(file));
    }

    @Test
    void freshRunKeepsNothing(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("metrics.jsonl");
        writeSteps(file.toString(), -1, 1, 2, 3);
        writeSteps(file.toString(), -1, 1);
        assertEquals(List.of("train:1"), types(file));
        assertTrue(Files.readString(file).endsWith("\n"));
    }
}

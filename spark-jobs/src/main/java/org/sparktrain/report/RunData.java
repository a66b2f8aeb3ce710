package org.sparktrain.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.BadInputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a run directory holds for its report: the {@code metrics.jsonl} records grouped by {@code type}
 * (a line cut short by a crash is skipped and counted), {@code eval.json}, {@code config.yaml} and the model card.
 */
public final class RunData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String runId;
    private final Map<String, List<JsonNode>> records;
    private final int skippedLines;
    private final JsonNode eval;
    private final String config;
    private final JsonNode modelCard;

    RunData(String runId, Map<String, List<JsonNode>> records, int skippedLines, JsonNode eval, String config,
            JsonNode modelCard) {
        this.runId = runId;
        this.records = records;
        this.skippedLines = skippedLines;
        this.eval = eval;
        this.config = config;
        this.modelCard = modelCard;
    }

    public static RunData read(String runDir, Configuration conf) {
        Path dir = new Path(runDir);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
                throw new BadInputException("run directory " + runDir + " does not exist");
            }
            Map<String, List<JsonNode>> records = new LinkedHashMap<>();
            int skipped = 0;
            Path metrics = new Path(dir, "metrics.jsonl");
            if (fs.exists(metrics)) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(metrics), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.isBlank()) {
                            continue;
                        }
                        try {
                            JsonNode n = JSON.readTree(line);
                            String type = n.path("type").asText("unknown");
                            records.computeIfAbsent(type, k -> new ArrayList<>()).add(n);
                        } catch (IOException e) {
                            skipped++;
                        }
                    }
                }
            }
            return new RunData(dir.getName(), records, skipped, readJson(fs, new Path(dir, "eval.json")),
                    readText(fs, new Path(dir, "config.yaml")), readJson(fs, new Path(dir, "model/model-card.json")));
        } catch (IOException e) {
            throw new BadInputException("cannot read run directory " + runDir + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(FileSystem fs, Path p) throws IOException {
        String text = readText(fs, p);
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static String readText(FileSystem fs, Path p) throws IOException {
        if (!fs.exists(p)) {
            return null;
        }
        try (var in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public String runId() {
        return runId;
    }

    /** Records of one type in file order (empty if none). */
    public List<JsonNode> records(String type) {
        return records.getOrDefault(type, List.of());
    }

    public Map<String, List<JsonNode>> allRecords() {
        return records;
    }

    public int skippedLines() {
        return skippedLines;
    }

    /** eval.json, or null. */
    public JsonNode eval() {
        return eval;
    }

    /** config.yaml text, or null. */
    public String config() {
        return config;
    }

    /** model/model-card.json, or null. */
    public JsonNode modelCard() {
        return modelCard;
    }

    /** The last record of a type, or null. */
    public JsonNode last(String type) {
        List<JsonNode> r = records(type);
        return r.isEmpty() ? null : r.get(r.size() - 1);
    }
}

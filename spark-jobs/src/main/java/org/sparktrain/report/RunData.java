package org.sparktrain.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.BadInputException;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the report shows about one run, read from its directory on any Hadoop path:
 * {@code metrics.jsonl} ({@link MetricsRecords}), and when present {@code eval.json} ({@link EvalResult}),
 * {@code config.yaml} (verbatim text) and {@code model/model-card.json}.
 *
 * <p>Only a missing or unreadable run directory is an error. A missing optional file is simply absent; a file that
 * cannot be parsed, skipped metrics lines and inconsistencies inside {@code eval.json} become {@link #notices()}
 * shown at the top of the report, because a report of a broken run is exactly when one is needed. Immutable after
 * loading, except that {@link #readText} reads further files for extension sections.
 */
public final class RunData {
    /** Per-step records, relative to the run directory. */
    public static final String METRICS = "metrics.jsonl";
    /** Final evaluation. */
    public static final String EVAL = "eval.json";
    /** Resolved config. */
    public static final String CONFIG = "config.yaml";
    /** Model card of the final model. */
    public static final String MODEL_CARD = "model/model-card.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private final Path dir;
    private final Configuration conf;
    private final MetricsRecords metrics;
    private final EvalResult eval;
    private final String config;
    private final JsonNode modelCard;
    private final List<String> notices;

    private RunData(Path dir, Configuration conf, MetricsRecords metrics, EvalResult eval, String config,
                    JsonNode modelCard, List<String> notices) {
        this.dir = dir;
        this.conf = conf;
        this.metrics = metrics;
        this.eval = eval;
        this.config = config;
        this.modelCard = modelCard;
        this.notices = List.copyOf(notices);
    }

    /**
     * Reads the run in {@code runDir}.
     *
     * @throws BadInputException naming the path when the directory does not exist, is a file or cannot be read
     */
    public static RunData load(String runDir, Configuration conf) {
        Path dir = new Path(runDir);
        FileSystem fs;
        try {
            fs = dir.getFileSystem(conf);
            dir = fs.makeQualified(dir);
            FileStatus status = fs.getFileStatus(dir);
            if (!status.isDirectory()) {
                throw new BadInputException("run directory " + dir + " is a file, not a directory");
            }
        } catch (FileNotFoundException e) {
            throw new BadInputException("run directory " + dir + " does not exist", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read run directory " + dir + ": " + e.getMessage(), e);
        }
        List<String> notices = new ArrayList<>();
        MetricsRecords metrics = readMetrics(fs, new Path(dir, METRICS), notices);
        EvalResult eval = null;
        JsonNode evalJson = readJson(fs, dir, EVAL, notices);
        if (evalJson != null) {
            try {
                eval = EvalResult.from(evalJson, EVAL);
                eval.inconsistencies().forEach(s -> notices.add(EVAL + ": " + s));
            } catch (BadInputException e) {
                notices.add(e.getMessage());
            }
        }
        String config = readOptionalText(fs, new Path(dir, CONFIG), notices);
        JsonNode card = readJson(fs, dir, MODEL_CARD, notices);
        return new RunData(dir, conf, metrics, eval, config, card, notices);
    }

    /** The run id: the directory's name. */
    public String runId() {
        return dir.getName();
    }

    /** The fully qualified run directory. */
    public String path() {
        return dir.toString();
    }

    public MetricsRecords metrics() {
        return metrics;
    }

    public Optional<EvalResult> eval() {
        return Optional.ofNullable(eval);
    }

    /** {@code config.yaml} as written. */
    public Optional<String> config() {
        return Optional.ofNullable(config);
    }

    /** {@code model/model-card.json}, parsed. */
    public Optional<JsonNode> modelCard() {
        return Optional.ofNullable(modelCard);
    }

    /** Problems found while reading (skipped metrics lines, unparseable files, inconsistent eval numbers). */
    public List<String> notices() {
        return notices;
    }

    /**
     * Reads another file of the run (UTF-8), for sections with their own inputs; empty when it does not exist.
     *
     * @param relativePath path below the run directory, e.g. {@code moe/loads.json}
     * @throws BadInputException naming the file when it exists but cannot be read
     */
    public Optional<String> readText(String relativePath) {
        Path p = new Path(dir, relativePath);
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) {
                return Optional.empty();
            }
            try (InputStream in = fs.open(p)) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static MetricsRecords readMetrics(FileSystem fs, Path p, List<String> notices) {
        try {
            if (!fs.exists(p)) {
                notices.add(METRICS + " not found: no training curves");
                return MetricsRecords.empty();
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
                MetricsRecords m = MetricsRecords.parse(r, METRICS);
                if (m.skippedLines() > 0) {
                    notices.add(METRICS + ": skipped " + m.skippedLines() + " unreadable line(s) (a run that "
                            + "crashed leaves its last line cut short)");
                    notices.addAll(m.skippedDetails());
                }
                return m;
            }
        } catch (IOException e) {
            notices.add("cannot read " + p + ": " + e.getMessage());
            return MetricsRecords.empty();
        }
    }

    private static JsonNode readJson(FileSystem fs, Path dir, String name, List<String> notices) {
        String text = readOptionalText(fs, new Path(dir, name), notices);
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            notices.add(name + " is not valid JSON (" + e.getOriginalMessage() + "); not shown");
            return null;
        }
    }

    private static String readOptionalText(FileSystem fs, Path p, List<String> notices) {
        try {
            if (!fs.exists(p)) {
                return null;
            }
            try (InputStream in = fs.open(p)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            notices.add("cannot read " + p + ": " + e.getMessage());
            return null;
        }
    }
}

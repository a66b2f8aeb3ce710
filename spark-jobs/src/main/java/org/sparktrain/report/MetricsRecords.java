package org.sparktrain.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The records of a run's {@code metrics.jsonl}: one JSON object per line, each with a string {@code "type"} and
 * usually {@code "step"} (long) and {@code "epoch"} (int). Types and fields are open: the report charts what it finds.
 *
 * <p>Reading is forgiving because the file may come from a crashed run: a line that is not a complete JSON object
 * with a string {@code type} (typically the last line, cut short) is skipped and counted in {@link #skippedLines()},
 * with its line number and reason in {@link #skippedDetails()}. Blank lines are ignored. Non-finite numbers written
 * as {@code NaN} tokens or {@code "NaN"} strings are read as NaN. Immutable.
 */
public final class MetricsRecords {
    /** The x axis of a record type's charts: {@code step}, else {@code epoch}, else the record's ordinal. */
    public enum Axis {
        STEP("step"), EPOCH("epoch"), RECORD("record");

        private final String label;

        Axis(String label) {
            this.label = label;
        }

        /** The axis title, also the record field it reads (except {@link #RECORD}). */
        public String label() {
            return label;
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final int MAX_DETAILS = 20;

    private final List<ObjectNode> records;
    private final Map<String, List<ObjectNode>> byType;
    private final int skippedLines;
    private final List<String> skippedDetails;

    private MetricsRecords(List<ObjectNode> records, int skippedLines, List<String> skippedDetails) {
        this.records = Collections.unmodifiableList(records);
        Map<String, List<ObjectNode>> types = new LinkedHashMap<>();
        for (ObjectNode r : records) {
            types.computeIfAbsent(r.get("type").textValue(), t -> new ArrayList<>()).add(r);
        }
        types.replaceAll((t, list) -> Collections.unmodifiableList(list));
        this.byType = Collections.unmodifiableMap(types);
        this.skippedLines = skippedLines;
        this.skippedDetails = List.copyOf(skippedDetails);
    }

    /** No records (a run without {@code metrics.jsonl}). */
    public static MetricsRecords empty() {
        return new MetricsRecords(new ArrayList<>(), 0, List.of());
    }

    /**
     * Parses JSON lines from {@code reader} (not closed).
     *
     * @param source file name used in {@link #skippedDetails()}
     */
    public static MetricsRecords parse(BufferedReader reader, String source) throws IOException {
        List<ObjectNode> records = new ArrayList<>();
        List<String> details = new ArrayList<>();
        int skipped = 0;
        long lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String problem;
            try {
                JsonNode node = JSON.readTree(line);
                if (node instanceof ObjectNode obj && obj.path("type").isTextual()) {
                    records.add(obj);
                    continue;
                }
                problem = "not a JSON object with a string \"type\"";
            } catch (JsonProcessingException e) {
                problem = "not valid JSON (" + firstLine(e.getOriginalMessage()) + ")";
            }
            skipped++;
            if (details.size() < MAX_DETAILS) {
                details.add(source + " line " + lineNumber + ": " + problem);
            }
        }
        return new MetricsRecords(records, skipped, details);
    }

    /** All records in file order. */
    public List<ObjectNode> all() {
        return records;
    }

    public int size() {
        return records.size();
    }

    /** The records of one type in file order (empty for an unknown type). */
    public List<ObjectNode> ofType(String type) {
        return byType.getOrDefault(type, List.of());
    }

    /** The record types in order of first appearance. */
    public Set<String> types() {
        return byType.keySet();
    }

    /** Lines that were not usable records (e.g. a last line cut short by a crash). */
    public int skippedLines() {
        return skippedLines;
    }

    /** Line number and reason of the first skipped lines (at most 20). */
    public List<String> skippedDetails() {
        return skippedDetails;
    }

    /** The x axis used for {@code type}: {@code step} if every record has one, else {@code epoch}, else ordinal. */
    public Axis axis(String type) {
        List<ObjectNode> rs = ofType(type);
        if (!rs.isEmpty() && rs.stream().allMatch(r -> JsonNumbers.isNumeric(r.get("step")))) {
            return Axis.STEP;
        }
        if (!rs.isEmpty() && rs.stream().allMatch(r -> JsonNumbers.isNumeric(r.get("epoch")))) {
            return Axis.EPOCH;
        }
        return Axis.RECORD;
    }

    /**
     * The finite values of {@code field} (a name or dotted path) in the records of {@code type} against the type's
     * {@link #axis}; records without a finite value are left out.
     */
    public Series series(String type, String field) {
        return series(type, type + " " + field, r -> JsonNumbers.field(r, field));
    }

    /** Like {@link #series(String, String)} for element {@code index} of an array field. */
    public Series elementSeries(String type, String field, int index) {
        return series(type, field + "[" + index + "]", r -> {
            JsonNode array = JsonNumbers.field(r, field);
            return array == null ? null : array.get(index);
        });
    }

    private Series series(String type, String name, Function<ObjectNode, JsonNode> value) {
        List<ObjectNode> rs = ofType(type);
        Axis axis = axis(type);
        double[] x = new double[rs.size()];
        double[] y = new double[rs.size()];
        int n = 0;
        for (int i = 0; i < rs.size(); i++) {
            double v = JsonNumbers.orNaN(value.apply(rs.get(i)));
            if (Double.isFinite(v)) {
                x[n] = axis == Axis.RECORD ? i : JsonNumbers.orNaN(rs.get(i).get(axis.label()));
                y[n++] = v;
            }
        }
        return new Series(name, Arrays.copyOf(x, n), Arrays.copyOf(y, n));
    }

    /** The last finite value of {@code type.field}, if any. */
    public OptionalDouble last(String type, String field) {
        List<ObjectNode> rs = ofType(type);
        for (int i = rs.size() - 1; i >= 0; i--) {
            double v = JsonNumbers.orNaN(JsonNumbers.field(rs.get(i), field));
            if (Double.isFinite(v)) {
                return OptionalDouble.of(v);
            }
        }
        return OptionalDouble.empty();
    }

    /** The largest {@code step} of any record, or -1 when no record has one. */
    public long maxStep() {
        long max = -1;
        for (ObjectNode r : records) {
            double s = JsonNumbers.orNaN(r.get("step"));
            if (Double.isFinite(s)) {
                max = Math.max(max, (long) s);
            }
        }
        return max;
    }

    /** The distinct {@code epoch} values of all records, in order of first appearance. */
    public Set<Integer> epochs() {
        Set<Integer> epochs = new LinkedHashSet<>();
        for (ObjectNode r : records) {
            double e = JsonNumbers.orNaN(r.get("epoch"));
            if (Double.isFinite(e)) {
                epochs.add((int) e);
            }
        }
        return epochs;
    }

    /**
     * The last {@code step} seen in each epoch, in epoch order, from the records that carry both fields. With the
     * engine's logging these are the epochs' end steps (exactly when the log interval divides the epoch length).
     */
    public List<Double> epochEndSteps() {
        TreeMap<Integer, Double> ends = new TreeMap<>();
        for (ObjectNode r : records) {
            double e = JsonNumbers.orNaN(r.get("epoch"));
            double s = JsonNumbers.orNaN(r.get("step"));
            if (Double.isFinite(e) && Double.isFinite(s)) {
                ends.merge((int) e, s, Math::max);
            }
        }
        return new ArrayList<>(ends.values());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}

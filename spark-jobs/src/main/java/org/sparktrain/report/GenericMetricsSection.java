package org.sparktrain.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A chart for every numeric field of every record type in {@code metrics.jsonl} that no other section covers, so a
 * new record type (MoE loads, temperatures, ...) is in the report without code: {@code report/<type>-<field>.png},
 * the field against {@code step} (or {@code epoch}, or record order).
 *
 * <p>Fields of nested objects are named by dotted paths. A numeric array of at most {@value #MAX_ARRAY_LINES}
 * elements is one chart with a line per element; longer or nested arrays are listed as not charted. A field with a
 * single finite value is shown in a table instead of a one-point chart. The top-level {@code type}, {@code step},
 * {@code epoch} and {@code time} are axes or labels, not fields.
 */
public final class GenericMetricsSection implements ReportSection {
    /** Longest numeric array charted as one line per element. */
    public static final int MAX_ARRAY_LINES = 12;
    private static final Set<String> NOT_FIELDS = Set.of("type", "step", "epoch", "time");

    private final Set<MetricField> covered;

    /** @param covered fields charted elsewhere, left out here */
    public GenericMetricsSection(Set<MetricField> covered) {
        this.covered = Set.copyOf(covered);
    }

    @Override
    public List<Section> render(RunData run) {
        MetricsRecords m = run.metrics();
        List<ReportBlock> blocks = new ArrayList<>();
        for (String type : m.types()) {
            List<ReportBlock> charts = new ArrayList<>();
            HtmlTable single = new HtmlTable("field", "value", m.axis(type).label());
            List<String> skipped = new ArrayList<>();
            for (Map.Entry<String, Kind> f : fieldKinds(m.ofType(type)).entrySet()) {
                String field = f.getKey();
                Kind kind = f.getValue();
                if (covered.contains(new MetricField(type, field))) {
                    continue;
                }
                switch (kind.category()) {
                    case NUMBER -> chartScalar(m, type, field, charts, single, skipped);
                    case NUMBER_ARRAY -> {
                        if (kind.length() <= MAX_ARRAY_LINES) {
                            chartArray(m, type, field, kind.length(), charts);
                        } else {
                            skipped.add(field + " (array of up to " + kind.length() + " numbers)");
                        }
                    }
                    case NESTED_ARRAY -> skipped.add(field + " (nested array)");
                    case OTHER_ARRAY -> skipped.add(field + " (array of non-numbers)");
                    default -> {
                        // text, booleans and nulls are labels, not metrics
                    }
                }
            }
            if (charts.isEmpty() && single.isEmpty() && skipped.isEmpty()) {
                continue;
            }
            int n = m.ofType(type).size();
            blocks.add(new HtmlBlock(Html.heading(type + " (" + Formats.count(n) + (n == 1 ? " record)" : " records)"))));
            blocks.addAll(charts);
            if (!single.isEmpty()) {
                blocks.add(new HtmlBlock(single.html()));
            }
            if (!skipped.isEmpty()) {
                blocks.add(new HtmlBlock(Html.paragraph("Not charted: " + String.join(", ", skipped) + ".")));
            }
        }
        return blocks.isEmpty() ? List.of() : List.of(new Section("metrics", "All metrics", blocks));
    }

    private static void chartScalar(MetricsRecords m, String type, String field, List<ReportBlock> charts,
                                    HtmlTable single, List<String> skipped) {
        Series s = m.series(type, field).named(field);
        String axis = m.axis(type).label();
        if (s.size() >= 2) {
            charts.add(new ChartBlock(ChartBlock.fileNameFor(type, field), type + "." + field + " against " + axis
                    + " (" + s.size() + " values).",
                    new LineChart(type + ": " + field, axis, field).addWithTrend(s).build()));
        } else if (s.size() == 1) {
            single.row(field, Formats.number(s.y(0)), Formats.number(s.x(0)));
        } else {
            skipped.add(field + " (no finite values)");
        }
    }

    private static void chartArray(MetricsRecords m, String type, String field, int length,
                                   List<ReportBlock> charts) {
        String axis = m.axis(type).label();
        LineChart chart = new LineChart(type + ": " + field, axis, field);
        for (int i = 0; i < length; i++) {
            chart.add(m.elementSeries(type, field, i));
        }
        if (!chart.isEmpty()) {
            charts.add(new ChartBlock(ChartBlock.fileNameFor(type, field), type + "." + field + " against " + axis
                    + ", one line per element.", chart.build()));
        }
    }

    /** What a field holds, as far as charting goes. */
    enum Category { NUMBER, NUMBER_ARRAY, NESTED_ARRAY, OTHER_ARRAY, TEXT }

    /**
     * The kind of a field.
     *
     * @param category what it holds
     * @param length   longest array seen, for {@link Category#NUMBER_ARRAY}
     */
    record Kind(Category category, int length) {
    }

    /**
     * Every field path of the records, in order of first appearance, with its kind. The first non-text kind seen
     * wins (a field that is null in early records and numeric later is numeric); array lengths grow to the longest.
     */
    static Map<String, Kind> fieldKinds(List<ObjectNode> records) {
        Map<String, Kind> kinds = new LinkedHashMap<>();
        for (ObjectNode r : records) {
            collect("", r, kinds);
        }
        return kinds;
    }

    private static void collect(String prefix, JsonNode object, Map<String, Kind> kinds) {
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            if (prefix.isEmpty() && NOT_FIELDS.contains(f.getKey())) {
                continue;
            }
            String path = prefix + f.getKey();
            JsonNode v = f.getValue();
            if (v.isObject()) {
                collect(path + ".", v, kinds);
                continue;
            }
            Kind kind = kindOf(v);
            Kind previous = kinds.get(path);
            if (previous == null || previous.category() == Category.TEXT) {
                kinds.put(path, kind);
            } else if (previous.category() == Category.NUMBER_ARRAY && kind.category() == Category.NUMBER_ARRAY
                    && kind.length() > previous.length()) {
                kinds.put(path, kind);
            }
        }
    }

    private static Kind kindOf(JsonNode v) {
        if (JsonNumbers.isNumeric(v)) {
            return new Kind(Category.NUMBER, 0);
        }
        if (v.isArray()) {
            boolean numbers = true;
            for (JsonNode e : v) {
                if (e.isArray()) {
                    return new Kind(Category.NESTED_ARRAY, 0);
                }
                numbers &= JsonNumbers.isNumeric(e);
            }
            return new Kind(numbers ? Category.NUMBER_ARRAY : Category.OTHER_ARRAY, v.size());
        }
        return new Kind(Category.TEXT, 0);
    }
}

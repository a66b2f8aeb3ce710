package org.sparktrain.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** The key numbers of a run: final losses and accuracies, steps, epochs, time and throughput. */
final class SummarySection implements ReportSection {
    @Override
    public String render(RunData data, ChartSink charts) {
        List<List<String>> rows = new ArrayList<>();
        List<JsonNode> train = data.records("train");
        if (!train.isEmpty()) {
            JsonNode last = train.get(train.size() - 1);
            int tail = Math.min(50, train.size());
            double finalLoss = train.subList(train.size() - tail, train.size()).stream()
                    .mapToDouble(n -> n.path("loss").asDouble(Double.NaN)).filter(Double::isFinite).average()
                    .orElse(Double.NaN);
            rows.add(List.of("final training loss (mean of the last " + tail + " records)", Html.num(finalLoss)));
            rows.add(List.of("steps", Html.num(last.path("step").asDouble())));
            rows.add(List.of("epochs", Html.num(last.path("epoch").asDouble() + 1)));
            double elapsed = train.stream().mapToDouble(n -> n.path("elapsedSeconds").asDouble(Double.NaN))
                    .filter(Double::isFinite).max().orElse(Double.NaN);
            rows.add(List.of("training time (s)", Html.num(elapsed)));
            double mean = train.stream().mapToDouble(n -> n.path("samplesPerSecond").asDouble(Double.NaN))
                    .filter(Double::isFinite).average().orElse(Double.NaN);
            rows.add(List.of("mean samples/s", Html.num(mean)));
        }
        JsonNode summary = data.last("summary");
        if (summary != null && summary.has("samplesPerSecond")) {
            rows.add(List.of("samples/s over the whole run", Html.num(summary.get("samplesPerSecond").asDouble())));
        }
        JsonNode val = data.last("validation");
        if (val != null) {
            rows.add(List.of("final validation accuracy (" + val.path("split").asText("validation") + ")",
                    Html.pct(val.path("accuracy").asDouble(Double.NaN))));
        }
        JsonNode eval = data.eval();
        if (eval != null && eval.has("accuracy")) {
            rows.add(List.of(eval.path("split").asText("test") + " accuracy (eval.json)",
                    Html.pct(eval.get("accuracy").asDouble())));
            if (eval.has("count")) {
                rows.add(List.of("evaluated records", Html.num(eval.get("count").asDouble())));
            }
        }
        if (data.skippedLines() > 0) {
            rows.add(List.of("unreadable metrics lines skipped (crash?)", Integer.toString(data.skippedLines())));
        }
        return Html.section("Summary", rows.isEmpty() ? "" : Html.table(null, rows));
    }
}

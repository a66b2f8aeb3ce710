package org.sparktrain.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Line charts against the global step: training loss (raw and moving average) and throughput, validation accuracy
 * and loss, and one chart for every other numeric field of every other record type in metrics.jsonl.
 */
final class CurvesSection implements ReportSection {
    private static final Set<String> SKIP_FIELDS = Set.of("step", "epoch", "time", "type");
    private static final Set<String> DEDICATED = Set.of("train", "validation", "summary");

    @Override
    public String render(RunData data, ChartSink charts) {
        StringBuilder html = new StringBuilder();
        List<JsonNode> train = data.records("train");
        if (!train.isEmpty()) {
            double[] x = field(train, "step");
            double[] loss = field(train, "loss");
            List<Charts.Series> series = new ArrayList<>();
            series.add(new Charts.Series("loss", x, loss));
            if (loss.length >= 10) {
                series.add(new Charts.Series("moving average (10)", x, Charts.movingAverage(loss, 10)));
            }
            html.append(Html.img(charts.add("loss.png", Charts.lines("Training loss", "step", "loss", series)), "training loss"));
            if (train.stream().anyMatch(n -> n.has("samplesPerSecond"))) {
                html.append(Html.img(charts.add("throughput.png", Charts.lines("Throughput", "step", "samples/s",
                        List.of(new Charts.Series("samples/s", x, field(train, "samplesPerSecond"))))), "throughput"));
            }
        }
        List<JsonNode> val = data.records("validation");
        if (!val.isEmpty()) {
            double[] x = field(val, "step");
            if (val.stream().anyMatch(n -> n.has("accuracy"))) {
                html.append(Html.img(charts.add("accuracy.png", Charts.lines("Validation accuracy", "step", "accuracy",
                        List.of(new Charts.Series("accuracy", x, field(val, "accuracy"))))), "validation accuracy"));
            }
            if (val.stream().anyMatch(n -> n.has("loss"))) {
                html.append(Html.img(charts.add("validation-loss.png", Charts.lines("Validation loss", "step", "loss",
                        List.of(new Charts.Series("loss", x, field(val, "loss"))))), "validation loss"));
            }
        }
        for (Map.Entry<String, List<JsonNode>> e : data.allRecords().entrySet()) {
            if (DEDICATED.contains(e.getKey())) {
                continue;
            }
            List<JsonNode> recs = e.getValue();
            double[] x = recs.get(0).has("step") ? field(recs, "step") : index(recs.size());
            for (String f : numericFields(recs)) {
                double[] y = field(recs, f);
                html.append(Html.img(charts.add(e.getKey() + "-" + f + ".png", Charts.lines(e.getKey() + ": " + f,
                        recs.get(0).has("step") ? "step" : "record", f, List.of(new Charts.Series(f, x, y)))),
                        e.getKey() + " " + f));
            }
        }
        return Html.section("Curves", html.toString());
    }

    static double[] field(List<JsonNode> recs, String name) {
        double[] out = new double[recs.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = recs.get(i).get(name);
            out[i] = v != null && v.isNumber() ? v.asDouble() : Double.NaN;
        }
        return out;
    }

    private static double[] index(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static Set<String> numericFields(List<JsonNode> recs) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode r : recs) {
            Iterator<String> names = r.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!SKIP_FIELDS.contains(n) && r.get(n).isNumber()) {
                    out.add(n);
                }
            }
        }
        return out;
    }
}

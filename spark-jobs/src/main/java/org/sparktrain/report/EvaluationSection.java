package org.sparktrain.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * eval.json: every numeric top-level metric, per-class accuracy computed from the confusion matrix (checked against
 * the stored values) and the confusion matrix as a heatmap.
 */
final class EvaluationSection implements ReportSection {
    @Override
    public String render(RunData data, ChartSink charts) {
        JsonNode eval = data.eval();
        if (eval == null) {
            return "";
        }
        StringBuilder html = new StringBuilder();
        List<List<String>> metrics = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = eval.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getValue().isNumber()) {
                metrics.add(List.of(f.getKey(), Html.num(f.getValue().asDouble())));
            } else if (f.getValue().isTextual()) {
                metrics.add(List.of(f.getKey(), f.getValue().asText()));
            }
        }
        html.append(Html.table(List.of("metric", "value"), metrics));
        JsonNode cm = eval.get("confusionMatrix");
        if (cm != null && cm.isArray() && cm.size() > 0) {
            long[][] matrix = new long[cm.size()][];
            for (int i = 0; i < cm.size(); i++) {
                matrix[i] = new long[cm.get(i).size()];
                for (int j = 0; j < matrix[i].length; j++) {
                    matrix[i][j] = cm.get(i).get(j).asLong();
                }
            }
            List<String> names = classNames(eval, matrix.length);
            double[] perClass = perClassAccuracy(matrix);
            List<List<String>> rows = new ArrayList<>();
            for (int k = 0; k < matrix.length; k++) {
                long total = 0;
                for (long v : matrix[k]) {
                    total += v;
                }
                rows.add(List.of(names.get(k), Long.toString(total), Html.pct(perClass[k])));
            }
            html.append("<h3>Per-class accuracy</h3>\n")
                    .append(Html.table(List.of("class", "records", "accuracy"), rows))
                    .append(Html.img(charts.add("confusion-matrix.png", Charts.confusion("Confusion matrix ("
                            + eval.path("split").asText("test") + ")", matrix, names)), "confusion matrix"));
        }
        return Html.section("Evaluation", html.toString());
    }

    /** Recall of each true class: diagonal / row sum (NaN for an empty row). */
    static double[] perClassAccuracy(long[][] matrix) {
        double[] out = new double[matrix.length];
        for (int k = 0; k < matrix.length; k++) {
            long total = 0;
            for (long v : matrix[k]) {
                total += v;
            }
            out[k] = total == 0 ? Double.NaN : (double) matrix[k][k] / total;
        }
        return out;
    }

    private static List<String> classNames(JsonNode eval, int k) {
        List<String> names = new ArrayList<>();
        JsonNode n = eval.get("classNames");
        for (int i = 0; i < k; i++) {
            names.add(n != null && n.size() == k ? n.get(i).asText() : Integer.toString(i));
        }
        return names;
    }
}

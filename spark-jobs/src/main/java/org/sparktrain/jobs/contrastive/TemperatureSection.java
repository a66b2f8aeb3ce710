package org.sparktrain.jobs.contrastive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sparktrain.report.ChartBlock;
import org.sparktrain.report.Formats;
import org.sparktrain.report.Html;
import org.sparktrain.report.HtmlBlock;
import org.sparktrain.report.HtmlTable;
import org.sparktrain.report.LineChart;
import org.sparktrain.report.ReportBlock;
import org.sparktrain.report.ReportSection;
import org.sparktrain.report.RunData;
import org.sparktrain.report.Section;
import org.sparktrain.report.Series;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Report section of {@code train-contrastive}: the learned temperatures per class from eval.json's
 * {@code temperatures} (a table of class size and mean / median τ, and the per-class τ histograms as one line per
 * class, each normalised to the share of the class's records so small and large classes compare). Absent for
 * SimCLR runs (no per-record τ).
 */
final class TemperatureSection implements ReportSection {
    static final String PNG = "temperatures-per-class.png";

    @Override
    public List<Section> render(RunData run) {
        Optional<String> text = run.readText("eval.json");
        if (text.isEmpty()) {
            return List.of();
        }
        JsonNode t;
        try {
            t = new ObjectMapper().readTree(text.get()).get("temperatures");
        } catch (java.io.IOException e) {
            return List.of();
        }
        if (t == null || !t.has("perClass")) {
            return List.of();
        }
        JsonNode edges = t.get("binEdges");
        int bins = edges.size() - 1;
        double[] centres = new double[bins];
        for (int b = 0; b < bins; b++) {
            centres[b] = (edges.get(b).asDouble() + edges.get(b + 1).asDouble()) / 2;
        }
        HtmlTable table = new HtmlTable("class", "records", "mean τ", "median τ");
        LineChart chart = new LineChart("Learned temperatures per class", "τ", "share of the class's records");
        for (JsonNode c : t.get("perClass")) {
            long n = c.get("count").asLong();
            table.row(c.get("name").asText(), Formats.count(n),
                    n > 0 ? Formats.fixed(c.get("meanTau").asDouble()) : Formats.MISSING,
                    n > 0 ? Formats.fixed(c.get("medianTau").asDouble()) : Formats.MISSING);
            if (n > 0) {
                double[] share = new double[bins];
                for (int b = 0; b < bins; b++) {
                    share[b] = c.get("histogram").get(b).asDouble() / n;
                }
                chart.add(new Series(c.get("name").asText() + " (" + n + ")", centres, share));
            }
        }
        List<ReportBlock> blocks = new ArrayList<>();
        JsonNode s = t.get("spearmanMeanTauVsClassSize");
        blocks.add(new HtmlBlock(Html.paragraph("Spearman correlation of a class's mean τ with its number of "
                + "training records: " + (s == null || s.isNull() ? Formats.MISSING : Formats.fixed(s.asDouble()))
                + " (iSogCLR predicts frequent classes get larger τ).")));
        blocks.add(new HtmlBlock(table.html()));
        blocks.add(new ChartBlock(PNG, "Histogram of the learned τ_i per class (final checkpoint), as the share of "
                + "each class's training records per bin.", chart.build()));
        return List.of(new Section("temperatures", "Temperatures per class", blocks));
    }
}

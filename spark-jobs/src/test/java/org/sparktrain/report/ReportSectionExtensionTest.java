package org.sparktrain.report;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Additional sections: placement, covered fields, name clashes and failures. */
class ReportSectionExtensionTest {
    /** A stand-in for a method's own section: charts MoE maxVio itself. */
    static final class MoeSection implements ReportSection {
        @Override
        public List<Section> render(RunData run) {
            Series maxVio = run.metrics().series("moe", "maxVio");
            return List.of(new Section("summary", "Expert load balance", List.of(
                    new HtmlBlock(Html.paragraph("MaxVio per logged step")),
                    new ChartBlock("moe-loads.png", "MaxVio", new LineChart("MaxVio", "step", "maxVio")
                            .add(maxVio).build()),
                    new ChartBlock("loss.png", "clashes with the training loss chart",
                            new LineChart("again", "step", "v").add(maxVio).build()))));
        }

        @Override
        public Set<MetricField> coveredFields() {
            return Set.of(new MetricField("moe", "maxVio"));
        }
    }

    @Test
    void additionalSectionsAreRenderedAndSuppressTheirGenericCharts(@TempDir Path tmp) throws IOException {
        Path run = SyntheticRun.create(tmp);
        RunReport.write(run.toString(), new Configuration(), List.of(new MoeSection()));
        String html = Files.readString(run.resolve("report.html"));

        assertTrue(Files.exists(run.resolve("report/moe-loads.png")));
        assertFalse(Files.exists(run.resolve("report/moe-maxVio.png")), "covered field: no generic chart");
        assertTrue(Files.exists(run.resolve("report/moe-bias.png")), "uncovered fields still charted");
        assertTrue(Files.exists(run.resolve("report/loss-2.png")), "a clashing file name is numbered");
        assertTrue(html.contains("<img src=\"report/loss-2.png\""));
        assertTrue(html.contains("<section id=\"summary-2\">"), "a clashing section id is numbered");
        int evaluation = html.indexOf("<h2>Evaluation: test</h2>");
        int extension = html.indexOf("<h2>Expert load balance</h2>");
        int generic = html.indexOf("<h2>All metrics</h2>");
        assertTrue(evaluation < extension && extension < generic, "placed after evaluation, before generic charts");
    }

    @Test
    void aFailingSectionBecomesANoticeAndTheRestIsWritten(@TempDir Path tmp) throws IOException {
        Path run = SyntheticRun.create(tmp);
        ReportSection broken = r -> {
            throw new IllegalStateException("boom");
        };
        RunReport.write(run.toString(), new Configuration(), List.of(broken));
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("failed: java.lang.IllegalStateException: boom"), "notice names the failure");
        assertTrue(html.contains("<h2>Summary</h2>") && html.contains("<h2>Configuration (config.yaml)</h2>"));
        assertTrue(Files.exists(run.resolve("report/loss.png")));
    }
}

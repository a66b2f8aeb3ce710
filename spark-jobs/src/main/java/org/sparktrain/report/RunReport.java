package org.sparktrain.report;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.AtomicOutput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's {@code report.html} and its PNG charts ({@code report/*.png}) from the files in the run
 * directory: a self-contained page (inline CSS, no scripts) with the summary, curves, evaluation with the
 * confusion matrix, model card and config. The chart folder and the page are each written atomically.
 */
public final class RunReport {
    private static final String CSS = "body{font-family:sans-serif;margin:2em;max-width:900px;color:#222}"
            + "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
            + "text-align:left}th{background:#f0f0f0}pre{background:#f6f6f6;padding:1em;overflow:auto}"
            + "img{display:block;margin:1em 0;border:1px solid #eee}";

    private RunReport() {
    }

    /** The default sections in page order. */
    public static List<ReportSection> defaultSections() {
        return List.of(new SummarySection(), new CurvesSection(), new EvaluationSection(), new DetailsSection());
    }

    public static String write(String runDir, Configuration conf) {
        return write(runDir, conf, List.of());
    }

    /**
     * @param extra method-specific sections placed after the default curves
     * @return the path of report.html
     */
    public static String write(String runDir, Configuration conf, List<ReportSection> extra) {
        RunData data = RunData.read(runDir, conf);
        ChartSink charts = new ChartSink();
        List<ReportSection> sections = new ArrayList<>(defaultSections());
        sections.addAll(2, extra);
        StringBuilder body = new StringBuilder();
        for (ReportSection s : sections) {
            body.append(s.render(data, charts));
        }
        String html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>sparktrain run "
                + Html.esc(data.runId()) + "</title><style>" + CSS + "</style></head><body>\n<h1>sparktrain run "
                + Html.esc(data.runId()) + "</h1>\n<p>report written " + Instant.now() + "</p>\n" + body
                + "</body></html>\n";
        try {
            try (AtomicOutput out = AtomicOutput.begin(new Path(runDir, ChartSink.DIR).toString(), conf)) {
                FileSystem fs = out.fileSystem();
                fs.mkdirs(out.tempPath());
                for (Map.Entry<String, byte[]> c : charts.charts().entrySet()) {
                    try (FSDataOutputStream os = fs.create(new Path(out.tempPath(), c.getKey()))) {
                        os.write(c.getValue());
                    }
                }
                out.commit();
            }
            Path page = new Path(runDir, "report.html");
            try (AtomicOutput out = AtomicOutput.begin(page.toString(), conf)) {
                try (FSDataOutputStream os = out.fileSystem().create(out.tempPath())) {
                    os.write(html.getBytes(StandardCharsets.UTF_8));
                }
                out.commit();
            }
            return page.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report of " + runDir, e);
        }
    }
}

package org.sparktrain.report;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.jfree.chart.ChartUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.AtomicOutput;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Renders a run's report from a list of {@link ReportSection}s: every chart to {@code <run>/report/<name>.png}
 * ({@value #WIDTH}x{@value #HEIGHT}) and the page to {@code <run>/report.html}.
 *
 * <p>Both outputs are written atomically with {@link AtomicOutput}: the charts go to a temporary directory and the
 * page to a temporary file, and only when both are complete are they renamed into place, the chart directory first
 * (so the new page never points at missing charts; old charts of a previous report are replaced as a whole). A
 * failure leaves the previous report untouched and no temporary files. A section that throws, or a chart that cannot
 * be drawn, becomes a notice in the page and a log warning instead of failing the report; a file system error fails
 * it.
 */
public final class ReportWriter {
    /** The page, in the run directory. */
    public static final String HTML = "report.html";
    /** The chart directory, in the run directory. */
    public static final String CHART_DIR = "report";
    /** Chart width in pixels. */
    public static final int WIDTH = 800;
    /** Chart height in pixels. */
    public static final int HEIGHT = 450;
    private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);

    private final List<ReportSection> sections;

    /** A writer of these sections, in page order. */
    public ReportWriter(List<? extends ReportSection> sections) {
        this.sections = List.copyOf(sections);
    }

    /**
     * Writes the report of {@code run}.
     *
     * @return the fully qualified path of {@code report.html}
     */
    public String write(RunData run, Configuration conf) {
        Objects.requireNonNull(conf, "conf");
        Headless.ensure();
        List<String> notices = new ArrayList<>(run.notices());
        List<Section> rendered = renderSections(run, notices);
        Path dir = new Path(run.path());
        try (AtomicOutput charts = AtomicOutput.begin(new Path(dir, CHART_DIR).toString(), conf);
             AtomicOutput page = AtomicOutput.begin(new Path(dir, HTML).toString(), conf)) {
            FileSystem fs = charts.fileSystem();
            if (!fs.mkdirs(charts.tempPath())) {
                throw new IOException("cannot create " + charts.tempPath());
            }
            Map<ChartBlock, String> figures = drawCharts(rendered, fs, charts.tempPath());
            String html = HtmlPage.render(run, rendered, figures::get, notices);
            try (FSDataOutputStream os = page.fileSystem().create(page.tempPath(), true)) {
                os.write(html.getBytes(StandardCharsets.UTF_8));
            }
            charts.commit();
            page.commit();
            return page.target().toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report of " + run.path() + ": " + e.getMessage(), e);
        }
    }

    /** Every section's output, failures turned into notices; section ids made unique. */
    private List<Section> renderSections(RunData run, List<String> notices) {
        List<Section> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ReportSection s : sections) {
            List<Section> parts;
            try {
                parts = s.render(run);
            } catch (RuntimeException e) {
                LOG.warn("report section {} failed for {}", s.getClass().getName(), run.path(), e);
                notices.add("report section " + s.getClass().getSimpleName() + " failed: " + e);
                continue;
            }
            for (Section part : parts) {
                String id = part.id();
                for (int k = 2; !ids.add(id); k++) {
                    id = part.id() + "-" + k;
                }
                out.add(id.equals(part.id()) ? part : new Section(id, part.title(), part.blocks()));
            }
        }
        return out;
    }

    /** Draws every chart into {@code tmp}; returns the HTML standing for each (figure or notice). */
    private static Map<ChartBlock, String> drawCharts(List<Section> sections, FileSystem fs, Path tmp)
            throws IOException {
        Map<ChartBlock, String> figures = new IdentityHashMap<>();
        Set<String> names = new HashSet<>();
        for (Section s : sections) {
            for (ReportBlock b : s.blocks()) {
                if (!(b instanceof ChartBlock c) || figures.containsKey(c)) {
                    continue;
                }
                String name = uniqueName(c.fileName(), names);
                byte[] png;
                try {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
                    ChartUtils.writeChartAsPNG(bytes, c.chart(), WIDTH, HEIGHT);
                    png = bytes.toByteArray();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("chart {} could not be drawn", name, e);
                    figures.put(c, Html.notice("chart " + name + " could not be drawn: " + e));
                    continue;
                }
                try (FSDataOutputStream os = fs.create(new Path(tmp, name), true)) {
                    os.write(png);
                }
                figures.put(c, HtmlPage.figure(CHART_DIR + "/" + name, c.caption(), WIDTH, HEIGHT));
            }
        }
        return figures;
    }

    /** {@code fileName}, or a numbered variant when taken (compared ignoring case, for case-insensitive stores). */
    private static String uniqueName(String fileName, Set<String> used) {
        String base = fileName.substring(0, fileName.length() - ".png".length());
        String name = fileName;
        for (int k = 2; !used.add(name.toLowerCase(Locale.ROOT)); k++) {
            name = base + "-" + k + ".png";
        }
        return name;
    }
}

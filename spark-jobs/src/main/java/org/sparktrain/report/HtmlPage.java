package org.sparktrain.report;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;

/**
 * Lays out the report page: one self-contained HTML document with inline CSS and no scripts or external resources
 * (charts are {@code <img>} files beside it). Order: title with the run id, notices, table of contents, sections.
 */
final class HtmlPage {
    private static final String CSS = """
            body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#222;max-width:960px;\
            margin:2em auto;padding:0 1em;line-height:1.4}
            h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
            h3{margin-top:1.4em}.meta{color:#666;font-size:.9em}code{font-size:.95em}
            table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ddd;padding:.25em .7em;text-align:left}
            thead th{background:#f3f5f7}tbody th{background:#fafbfc;font-weight:600}td.num,th.num{text-align:right;\
            font-variant-numeric:tabular-nums}
            .notice{background:#fff4e5;border-left:4px solid #f0a020;padding:.4em .8em;margin:.4em 0}
            pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:.8em;overflow:auto;font-size:.85em}
            figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
            figcaption{color:#555;font-size:.9em}nav ul{columns:2;padding-left:1.2em}
            """;

    private HtmlPage() {
    }

    /**
     * The page.
     *
     * @param run      the run (id and path for the title)
     * @param sections the sections in order, with unique ids
     * @param charts   the HTML that stands for each chart block (a figure, or a notice if it could not be drawn)
     * @param notices  problems to show above everything else (plain text)
     */
    static String render(RunData run, List<Section> sections, Function<ChartBlock, String> charts,
                         List<String> notices) {
        StringBuilder out = new StringBuilder(16_384);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>sparktrain run ").append(Html.escape(run.runId())).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
                .append("<h1>sparktrain run <code>").append(Html.escape(run.runId())).append("</code></h1>\n")
                .append("<p class=\"meta\">").append(Html.escape(run.path())).append(" &middot; report generated ")
                .append(Html.escape(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())).append("</p>\n");
        for (String n : notices) {
            out.append(Html.notice(n));
        }
        if (sections.size() > 1) {
            out.append("<nav><ul>\n");
            for (Section s : sections) {
                out.append("<li><a href=\"#").append(s.id()).append("\">").append(Html.escape(s.title()))
                        .append("</a></li>\n");
            }
            out.append("</ul></nav>\n");
        }
        for (Section s : sections) {
            out.append("<section id=\"").append(s.id()).append("\">\n<h2>").append(Html.escape(s.title()))
                    .append("</h2>\n");
            for (ReportBlock b : s.blocks()) {
                if (b instanceof HtmlBlock h) {
                    out.append(h.html());
                } else if (b instanceof ChartBlock c) {
                    out.append(charts.apply(c));
                }
            }
            out.append("</section>\n");
        }
        return out.append("</body>\n</html>\n").toString();
    }

    /** A chart image with its caption; {@code src} is relative to the page. */
    static String figure(String src, String caption, int width, int height) {
        return "<figure><img src=\"" + Html.escape(src) + "\" width=\"" + width + "\" height=\"" + height
                + "\" alt=\"" + Html.escape(caption) + "\"><figcaption>" + Html.escape(caption)
                + "</figcaption></figure>\n";
    }
}

package org.sparktrain.report;

import java.util.List;
import java.util.Locale;

/** Small HTML helpers: escaping, numbers, tables, images. */
final class Html {
    private Html() {
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.4f", v);
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    static String table(List<String> header, List<List<String>> rows) {
        StringBuilder s = new StringBuilder("<table>");
        if (header != null) {
            s.append("<tr>");
            header.forEach(h -> s.append("<th>").append(esc(h)).append("</th>"));
            s.append("</tr>");
        }
        for (List<String> row : rows) {
            s.append("<tr>");
            row.forEach(c -> s.append("<td>").append(esc(c)).append("</td>"));
            s.append("</tr>");
        }
        return s.append("</table>\n").toString();
    }

    static String img(String src, String alt) {
        return "<img src=\"" + esc(src) + "\" alt=\"" + esc(alt) + "\" width=\"" + Charts.WIDTH + "\" height=\""
                + Charts.HEIGHT + "\">\n";
    }

    static String section(String title, String body) {
        return body.isEmpty() ? "" : "<h2>" + esc(title) + "</h2>\n" + body;
    }
}

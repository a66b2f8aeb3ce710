package org.sparktrain.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds an HTML table of plain-text cells (escaped here). Cells that look numeric are right-aligned.
 */
public final class HtmlTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** A table with these column titles (none for a headerless key/value table). */
    public HtmlTable(String... header) {
        this.header = List.of(header);
    }

    /** Appends a row of plain-text cells. */
    public HtmlTable row(String... cells) {
        rows.add(List.of(cells));
        return this;
    }

    /** True when no row was added. */
    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table's HTML. */
    public String html() {
        StringBuilder out = new StringBuilder("<table>\n");
        if (!header.isEmpty()) {
            out.append("<thead><tr>");
            for (String h : header) {
                out.append("<th>").append(Html.escape(h)).append("</th>");
            }
            out.append("</tr></thead>\n");
        }
        out.append("<tbody>\n");
        for (List<String> row : rows) {
            out.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                String tag = header.isEmpty() && i == 0 ? "th" : "td";
                out.append('<').append(tag).append(isNumeric(cell) ? " class=\"num\">" : ">")
                        .append(Html.escape(cell)).append("</").append(tag).append('>');
            }
            out.append("</tr>\n");
        }
        return out.append("</tbody>\n</table>\n").toString();
    }

    private static boolean isNumeric(String cell) {
        return cell.equals(Formats.MISSING) || cell.matches("[-+]?[0-9][0-9,]*(\\.[0-9]+)?(e[-+]?[0-9]+)?( ?%| s)?");
    }
}

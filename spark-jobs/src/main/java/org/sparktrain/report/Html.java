package org.sparktrain.report;

/**
 * HTML text helpers. Every text that comes from a run (names, config, model card values) goes through
 * {@link #escape} before it reaches the page.
 */
public final class Html {
    private Html() {
    }

    /** {@code text} with {@code & < > " '} replaced by entities; null becomes the empty string. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A paragraph of plain text. */
    public static String paragraph(String text) {
        return "<p>" + escape(text) + "</p>\n";
    }

    /** A level-3 heading of plain text. */
    public static String heading(String text) {
        return "<h3>" + escape(text) + "</h3>\n";
    }

    /** A highlighted notice box of plain text (used for problems found in the run's files). */
    public static String notice(String text) {
        return "<p class=\"notice\">" + escape(text) + "</p>\n";
    }

    /** Preformatted plain text, e.g. a config file shown verbatim. */
    public static String pre(String text) {
        return "<pre>" + escape(text) + "</pre>\n";
    }
}

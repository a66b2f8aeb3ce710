package org.sparktrain.report;

import java.util.Objects;

/**
 * A fragment of HTML placed into the page as-is. Build it with {@link Html} and {@link HtmlTable} so that every
 * text from the run is escaped.
 *
 * @param html trusted HTML
 */
public record HtmlBlock(String html) implements ReportBlock {
    /** Rejects null. */
    public HtmlBlock {
        Objects.requireNonNull(html, "html");
    }
}

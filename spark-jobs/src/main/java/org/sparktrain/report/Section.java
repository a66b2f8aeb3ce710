package org.sparktrain.report;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A titled part of the report page with its blocks in order.
 *
 * @param id     the HTML anchor (letters, digits, {@code -}), unique within the page
 * @param title  plain-text heading, also the entry in the page's table of contents
 * @param blocks HTML fragments and charts in page order
 */
public record Section(String id, String title, List<ReportBlock> blocks) {
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9-]*");

    public Section {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("section id '" + id + "' must be letters, digits and '-'");
        }
        blocks = List.copyOf(blocks);
    }
}

package org.sparktrain.report;

import org.jfree.chart.JFreeChart;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A chart of the report: the {@link ReportWriter} renders it to {@code report/<fileName>} as a
 * {@value ReportWriter#WIDTH}x{@value ReportWriter#HEIGHT} PNG and shows it with its caption. When two charts ask
 * for the same file name, the later one gets a numbered name ({@code loss-2.png}).
 *
 * @param fileName a plain file name ending in {@code .png} (letters, digits, {@code . _ -})
 * @param caption  plain-text caption, also the image's alt text
 * @param chart    the chart to render
 */
public record ChartBlock(String fileName, String caption, JFreeChart chart) implements ReportBlock {
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\.png");

    /** Validates the file name. */
    public ChartBlock {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(caption, "caption");
        Objects.requireNonNull(chart, "chart");
        if (!FILE_NAME.matcher(fileName).matches()) {
            throw new IllegalArgumentException("chart file name '" + fileName
                    + "' must be a plain name of letters, digits, '.', '_', '-' ending in .png");
        }
    }

    /**
     * A chart file name made from free text (e.g. a record type and field): characters other than letters,
     * digits, {@code . _ -} become {@code _}.
     */
    public static String fileNameFor(String... parts) {
        String base = String.join("-", parts).replaceAll("[^A-Za-z0-9._-]", "_");
        if (base.isEmpty() || !Character.isLetterOrDigit(base.charAt(0))) {
            base = "chart" + base;
        }
        return base + ".png";
    }
}

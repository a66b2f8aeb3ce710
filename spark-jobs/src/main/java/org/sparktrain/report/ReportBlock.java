package org.sparktrain.report;

/**
 * One piece of a report {@link Section}, in page order: an HTML fragment or a chart.
 */
public sealed interface ReportBlock permits HtmlBlock, ChartBlock {
}

package org.sparktrain.report;

/**
 * One part of a run report. Sections render an HTML fragment (empty when they have nothing to show) and may add
 * PNG charts through the {@link ChartSink}. Methods add their own sections (MoE expert loads, iSogCLR
 * temperatures, ...) by passing them to {@link RunReport#write(String, org.apache.hadoop.conf.Configuration, java.util.List)}.
 */
public interface ReportSection {
    String render(RunData data, ChartSink charts);
}

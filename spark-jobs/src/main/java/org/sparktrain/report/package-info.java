/**
 * The run report: one self-contained {@code report.html} with PNG charts in {@code report/}, regenerated from what a
 * run left on disk (docs/architecture.md, "A run on disk" and "Observability").
 *
 * <p>Inputs, all under the run directory on any Hadoop path: {@code metrics.jsonl} (read by {@link
 * org.sparktrain.report.MetricsRecords}; a line cut short by a crash is skipped and counted), and, when present,
 * {@code eval.json} ({@link org.sparktrain.report.EvalResult}), {@code config.yaml} and {@code model/model-card.json}.
 * {@link org.sparktrain.report.RunData} holds them; {@link org.sparktrain.report.RunReport#write} is the entry point.
 *
 * <p>Extension point: a {@link org.sparktrain.report.ReportSection} turns the run data into {@link
 * org.sparktrain.report.Section}s of HTML fragments and charts ({@link org.sparktrain.report.ChartBlock}); a method
 * with its own statistics (MoE expert loads, iSogCLR temperatures) passes its sections to {@link
 * org.sparktrain.report.RunReport#write(String, org.apache.hadoop.conf.Configuration, java.util.List)}. Every numeric
 * field of every record type that no section claims ({@link org.sparktrain.report.ReportSection#coveredFields()}) gets
 * a generic line chart, so a new record type shows up in the report without any code.
 *
 * <p>Output is atomic: the charts and the page are rendered to temporary paths and renamed into place with {@link
 * org.sparktrain.data.AtomicOutput}, so a reader sees the previous complete report or the new one.
 */
package org.sparktrain.report;

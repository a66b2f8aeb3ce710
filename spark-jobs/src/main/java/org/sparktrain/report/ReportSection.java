package org.sparktrain.report;

import java.util.List;
import java.util.Set;

/**
 * The report's extension point: turns a run's data into zero or more {@link Section}s of the page. The default
 * sections are listed in {@link RunReport#sections}; a method with its own statistics adds a section by passing it
 * to {@link RunReport#write(String, org.apache.hadoop.conf.Configuration, List)}.
 *
 * <p>A section that charts a {@code metrics.jsonl} field itself names it in {@link #coveredFields()}, so the generic
 * per-field charts leave it out. A section that throws is replaced by a notice in the page (and a log warning);
 * it never costs the rest of the report.
 */
public interface ReportSection {
    /** The sections this contributes for {@code run}; empty when the run has nothing for it. */
    List<Section> render(RunData run);

    /** The metrics fields this section charts, which therefore get no generic chart. */
    default Set<MetricField> coveredFields() {
        return Set.of();
    }
}

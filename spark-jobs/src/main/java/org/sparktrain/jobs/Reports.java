package org.sparktrain.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Regenerates a run's HTML report at the end of a job; a report failure is logged, never fatal to the job. */
public final class Reports {
    private static final Logger LOG = LoggerFactory.getLogger(Reports.class);

    private Reports() {
    }

    public static void write(RunDirectory run, JobContext ctx) {
        try {
            String html = org.sparktrain.report.RunReport.write(run.path(), run.conf());
            ctx.console().println("[" + run.runId() + "] report: " + html);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("could not write the report of {}: {}", run.path(), e.toString());
        }
    }
}

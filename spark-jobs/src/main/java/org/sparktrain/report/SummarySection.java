package org.sparktrain.report;

import java.util.List;

/**
 * The report's first section: the {@link RunSummary} as a table (final training loss, final validation accuracy and
 * loss, test accuracy from {@code eval.json}, steps, epochs, training time, mean throughput) and how many metrics
 * records were read or skipped.
 */
public final class SummarySection implements ReportSection {
    @Override
    public List<Section> render(RunData run) {
        RunSummary s = RunSummary.of(run.metrics(), run.eval().orElse(null));
        HtmlTable t = new HtmlTable();
        t.row("run", run.runId());
        t.row("final training loss", Formats.fixed(s.finalTrainLoss()));
        t.row("final validation accuracy", Formats.fixed(s.finalValidationAccuracy()));
        t.row("final validation loss", Formats.fixed(s.finalValidationLoss()));
        if (s.testSplit() != null) {
            t.row(s.testSplit() + " accuracy (" + RunData.EVAL + ")", Formats.fixed(s.testAccuracy()));
        }
        t.row("steps", s.steps() < 0 ? Formats.MISSING : Formats.count(s.steps()));
        t.row("epochs", s.epochs() == 0 ? Formats.MISSING : Integer.toString(s.epochs()));
        String time = Formats.duration(s.trainingSeconds());
        if (s.attempts() > 1) {
            time += " over " + s.attempts() + " attempts (resumed)";
        }
        if (s.timeSource() != null) {
            time += " (" + s.timeSource() + ")";
        }
        t.row("training time", time);
        t.row("mean samples/s", Formats.number(s.meanSamplesPerSecond()));
        MetricsRecords m = run.metrics();
        t.row("metrics records", Formats.count(m.size()) + (m.skippedLines() > 0
                ? " (" + m.skippedLines() + " unreadable line(s) skipped)" : ""));
        return List.of(new Section("summary", "Summary", List.of(new HtmlBlock(t.html()))));
    }
}

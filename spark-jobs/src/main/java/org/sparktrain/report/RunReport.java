package org.sparktrain.report;

import org.apache.hadoop.conf.Configuration;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the HTML report of a training run: {@code <run>/report.html} with its charts in {@code <run>/report/},
 * replaced atomically (docs/architecture.md, "Observability"). Jobs call it at the end of a run; it can be re-run
 * at any time on any run directory, including one of a crashed run.
 *
 * <pre>{@code
 * String html = RunReport.write("hdfs:///runs/lenet-2024-05-01", spark.sparkContext().hadoopConfiguration());
 * // a method with its own statistics adds sections:
 * RunReport.write(runDir, conf, List.of(new MoeLoadSection()));
 * }</pre>
 *
 * <p>The page, in order: {@link SummarySection}, {@link TrainingCurvesSection}, {@link EvaluationSection}, the
 * additional sections, {@link GenericMetricsSection} (every metrics field no other section charts),
 * {@link ModelCardSection}, {@link ConfigSection}.
 */
public final class RunReport {
    private RunReport() {
    }

    /**
     * Writes the report of the run in {@code runDir} with the default sections.
     *
     * @return the fully qualified path of {@code report.html}
     * @throws org.sparktrain.data.BadInputException naming the path when {@code runDir} does not exist or is not a
     *                                               directory
     */
    public static String write(String runDir, Configuration conf) {
        return write(runDir, conf, List.of());
    }

    /**
     * Writes the report of the run in {@code runDir} with the default sections and {@code additional} ones, which
     * come after the evaluation and before the generic metric charts.
     *
     * @return the fully qualified path of {@code report.html}
     * @throws org.sparktrain.data.BadInputException naming the path when {@code runDir} does not exist or is not a
     *                                               directory
     */
    public static String write(String runDir, Configuration conf, List<? extends ReportSection> additional) {
        Objects.requireNonNull(runDir, "runDir");
        Objects.requireNonNull(conf, "conf");
        RunData run = RunData.load(runDir, conf);
        return new ReportWriter(sections(additional)).write(run, conf);
    }

    /**
     * The sections of a report in page order: the defaults with {@code additional} inserted, and generic charts for
     * every metrics field that none of them {@linkplain ReportSection#coveredFields() covers}.
     */
    public static List<ReportSection> sections(List<? extends ReportSection> additional) {
        List<ReportSection> head = new ArrayList<>(List.of(new SummarySection(), new TrainingCurvesSection(),
                new EvaluationSection()));
        head.addAll(additional);
        Set<MetricField> covered = new HashSet<>();
        head.forEach(s -> covered.addAll(s.coveredFields()));
        List<ReportSection> all = new ArrayList<>(head);
        all.add(new GenericMetricsSection(covered));
        all.add(new ModelCardSection());
        all.add(new ConfigSection());
        return List.copyOf(all);
    }
}

package org.sparktrain.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The final evaluation from {@code eval.json}: a table of its top-level fields (every number, plus texts such as the
 * split and dataset), the per-class table (support, correct, accuracy and precision computed from the confusion
 * matrix) and the confusion matrix heatmap {@value #CONFUSION_PNG}. Absent when the run has no {@code eval.json}.
 */
public final class EvaluationSection implements ReportSection {
    /** File name of the confusion matrix heatmap. */
    public static final String CONFUSION_PNG = "confusion-matrix.png";

    @Override
    public List<Section> render(RunData run) {
        if (run.eval().isEmpty()) {
            return List.of();
        }
        EvalResult eval = run.eval().get();
        List<ReportBlock> blocks = new ArrayList<>();
        HtmlTable fields = new HtmlTable("field", "value");
        for (Map.Entry<String, String> f : eval.textFields().entrySet()) {
            fields.row(f.getKey(), f.getValue());
        }
        for (Map.Entry<String, Double> f : eval.numericFields().entrySet()) {
            fields.row(f.getKey(), Formats.number(f.getValue()));
        }
        blocks.add(new HtmlBlock(fields.html()));

        if (eval.numClasses() > 0) {
            blocks.add(new HtmlBlock(Html.heading("Per-class accuracy")));
            blocks.add(new HtmlBlock(perClassTable(eval).html()));
        }
        if (eval.hasConfusionMatrix()) {
            blocks.add(new ChartBlock(CONFUSION_PNG, "Confusion matrix on " + eval.split()
                    + ": rows are true classes, columns predicted classes; cells show counts, colour is the share "
                    + "of the true class.", ConfusionMatrixChart.create(eval)));
        }
        return List.of(new Section("evaluation", "Evaluation: " + eval.split(), blocks));
    }

    private static HtmlTable perClassTable(EvalResult eval) {
        List<String> names = eval.classNames();
        double[] accuracy = eval.perClassAccuracy();
        if (!eval.hasConfusionMatrix()) {
            HtmlTable t = new HtmlTable("class", "accuracy");
            for (int i = 0; i < names.size(); i++) {
                t.row(names.get(i), Formats.fixed(accuracy[i]));
            }
            return t;
        }
        long[] support = eval.support();
        double[] precision = eval.perClassPrecision();
        HtmlTable t = new HtmlTable("class", "support", "correct", "accuracy", "precision");
        for (int i = 0; i < names.size(); i++) {
            t.row(names.get(i), Formats.count(support[i]), Formats.count(eval.confusion(i, i)),
                    Formats.fixed(accuracy[i]), Formats.fixed(precision[i]));
        }
        return t;
    }
}

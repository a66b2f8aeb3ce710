package org.sparktrain.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Training curves: {@value #LOSS_PNG} (training loss against step, with a moving average when noisy, and the
 * validation loss) and {@value #ACCURACY_PNG} (validation accuracy). Dashed vertical lines mark epoch ends when a
 * run has 2 to {@value #MAX_EPOCH_LINES} epochs. Reads {@code train.loss}, {@code validation.loss} and
 * {@code validation.accuracy}, against {@code step} (or {@code epoch} when records have no step).
 */
public final class TrainingCurvesSection implements ReportSection {
    /** File name of the training (and validation) loss chart. */
    public static final String LOSS_PNG = "loss.png";
    /** File name of the validation loss chart, when validation records use another x axis than train records. */
    public static final String VALIDATION_LOSS_PNG = "validation-loss.png";
    /** File name of the validation accuracy chart. */
    public static final String ACCURACY_PNG = "accuracy.png";
    /** Most epochs for which epoch ends are drawn. */
    public static final int MAX_EPOCH_LINES = 30;

    @Override
    public Set<MetricField> coveredFields() {
        return Set.of(new MetricField("train", "loss"), new MetricField("validation", "loss"),
                new MetricField("validation", "accuracy"));
    }

    @Override
    public List<Section> render(RunData run) {
        MetricsRecords m = run.metrics();
        Series trainLoss = m.series("train", "loss").named("training loss");
        Series validationLoss = m.series("validation", "loss").named("validation loss");
        Series accuracy = m.series("validation", "accuracy").named("validation accuracy");
        MetricsRecords.Axis trainAxis = m.axis("train");
        MetricsRecords.Axis validationAxis = m.axis("validation");
        List<Double> lines = epochLines(m);
        List<ReportBlock> blocks = new ArrayList<>();

        boolean shared = validationAxis == trainAxis || trainLoss.isEmpty();
        MetricsRecords.Axis lossAxis = trainLoss.isEmpty() ? validationAxis : trainAxis;
        LineChart loss = new LineChart("Loss", lossAxis.label(), "loss").addWithTrend(trainLoss);
        StringBuilder caption = new StringBuilder();
        if (!trainLoss.isEmpty()) {
            caption.append("Training loss against ").append(trainAxis.label())
                    .append(" (each point: mean over the steps since the previous record)");
            if (MovingAverage.isNoisy(trainLoss)) {
                caption.append(", with its centred moving average over ")
                        .append(MovingAverage.defaultWindow(trainLoss.size())).append(" points");
            }
        }
        if (shared && !validationLoss.isEmpty()) {
            loss.add(validationLoss);
            caption.append(caption.length() > 0 ? "; " : "").append("validation loss at each evaluation");
        }
        if (!loss.isEmpty()) {
            boolean marked = lossAxis == MetricsRecords.Axis.STEP && !lines.isEmpty();
            if (marked) {
                loss.verticalLines(lines);
                caption.append("; dashed lines mark epoch ends");
            }
            blocks.add(new ChartBlock(LOSS_PNG, caption + ".", loss.build()));
        }
        if (!shared && !validationLoss.isEmpty()) {
            blocks.add(new ChartBlock(VALIDATION_LOSS_PNG, "Validation loss against " + validationAxis.label() + ".",
                    new LineChart("Validation loss", validationAxis.label(), "loss").add(validationLoss).build()));
        }
        if (!accuracy.isEmpty()) {
            LineChart chart = new LineChart("Validation accuracy", validationAxis.label(), "accuracy").add(accuracy);
            String text = "Validation accuracy against " + validationAxis.label() + ", final "
                    + Formats.fixed(accuracy.lastY());
            if (validationAxis == MetricsRecords.Axis.STEP && !lines.isEmpty()) {
                chart.verticalLines(lines);
                text += "; dashed lines mark epoch ends";
            }
            blocks.add(new ChartBlock(ACCURACY_PNG, text + ".", chart.build()));
        }
        if (blocks.isEmpty()) {
            return List.of();
        }
        return List.of(new Section("training", "Training curves", blocks));
    }

    /** The end steps of every epoch but the last, when there are 2 to MAX_EPOCH_LINES epochs. */
    private static List<Double> epochLines(MetricsRecords m) {
        List<Double> ends = m.epochEndSteps();
        if (ends.size() < 2 || ends.size() > MAX_EPOCH_LINES) {
            return List.of();
        }
        return ends.subList(0, ends.size() - 1);
    }
}

package org.sparktrain.report;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The headline numbers of a run, computed from {@code metrics.jsonl} and {@code eval.json}. Missing values are NaN
 * (or -1 for steps, 0 for epochs).
 *
 * <p>Training time and throughput come from the {@code train} records when they carry {@code elapsedSeconds}
 * (cumulative wall-clock seconds since the start of the training invocation) and {@code samplesPerSecond}
 * (throughput over the interval since the previous record). {@code elapsedSeconds} restarts when a run resumes from
 * a checkpoint, so the records split into attempts wherever it decreases. The interval of record i is
 * {@code dt_i = elapsed_i - elapsed_{i-1}} (or {@code elapsed_i} for an attempt's first record), hence
 * {@code trainingSeconds = sum dt_i} and {@code meanSamplesPerSecond = sum(samplesPerSecond_i * dt_i) / sum dt_i},
 * the time-weighted mean, which equals total samples over total time. Without such records the {@code epoch}
 * records' {@code seconds} and {@code samples} are summed, and failing that the {@code summary} record's
 * {@code trainSeconds} and {@code samplesPerSecond} are used.
 *
 * @param finalTrainLoss          {@code loss} of the last train record
 * @param finalValidationAccuracy {@code accuracy} of the last validation record
 * @param finalValidationLoss     {@code loss} of the last validation record
 * @param testSplit               {@code split} of eval.json, or null without eval.json
 * @param testAccuracy            {@code accuracy} of eval.json
 * @param steps                   largest {@code step} of any record, or -1
 * @param epochs                  number of distinct {@code epoch} values in the records
 * @param trainingSeconds         total training wall-clock seconds
 * @param meanSamplesPerSecond    mean training throughput
 * @param attempts                training invocations seen in the train records (more than 1 after a resume)
 * @param timeSource              where time and throughput come from, as shown in the report, or null
 */
public record RunSummary(double finalTrainLoss, double finalValidationAccuracy, double finalValidationLoss,
                         String testSplit, double testAccuracy, long steps, int epochs, double trainingSeconds,
                         double meanSamplesPerSecond, int attempts, String timeSource) {
    /** Time source: the train records' elapsedSeconds. */
    public static final String FROM_TRAIN = "wall clock of the train records, including evaluation and checkpoints";
    /** Time source: the epoch records. */
    public static final String FROM_EPOCHS = "sum of the epoch records";
    /** Time source: the summary record. */
    public static final String FROM_SUMMARY = "summary record of the last invocation";

    /** Computes the summary; {@code eval} may be null. */
    public static RunSummary of(MetricsRecords metrics, EvalResult eval) {
        double[] time = fromTrainRecords(metrics.ofType("train"));
        String source = FROM_TRAIN;
        if (time == null) {
            time = fromEpochRecords(metrics.ofType("epoch"));
            source = FROM_EPOCHS;
        }
        if (time == null) {
            time = new double[]{metrics.last("summary", "trainSeconds").orElse(Double.NaN),
                    metrics.last("summary", "samplesPerSecond").orElse(meanOf(metrics.ofType("train"),
                            "samplesPerSecond")), 0};
            source = Double.isNaN(time[0]) ? null : FROM_SUMMARY;
        }
        return new RunSummary(
                metrics.last("train", "loss").orElse(Double.NaN),
                metrics.last("validation", "accuracy").orElse(Double.NaN),
                metrics.last("validation", "loss").orElse(Double.NaN),
                eval == null ? null : eval.split(),
                eval == null ? Double.NaN : eval.accuracy(),
                metrics.maxStep(),
                metrics.epochs().size(),
                time[0], time[1], (int) time[2], source);
    }

    /** {seconds, samples/s, attempts} from the train records, or null when they carry no elapsedSeconds. */
    private static double[] fromTrainRecords(List<ObjectNode> train) {
        double seconds = 0;
        double samples = 0;
        double previous = Double.NaN;
        int attempts = 0;
        boolean throughput = true;
        for (ObjectNode r : train) {
            double elapsed = JsonNumbers.orNaN(r.get("elapsedSeconds"));
            if (!Double.isFinite(elapsed)) {
                continue;
            }
            boolean newAttempt = Double.isNaN(previous) || elapsed < previous;
            double dt = newAttempt ? elapsed : elapsed - previous;
            attempts += newAttempt ? 1 : 0;
            previous = elapsed;
            seconds += dt;
            double sps = JsonNumbers.orNaN(r.get("samplesPerSecond"));
            if (Double.isFinite(sps)) {
                samples += sps * dt;
            } else {
                throughput = false;
            }
        }
        if (attempts == 0) {
            return null;
        }
        double mean = throughput && seconds > 0 ? samples / seconds : meanOf(train, "samplesPerSecond");
        return new double[]{seconds, mean, attempts};
    }

    /** {seconds, samples/s, 0} from the epoch records, or null when they carry no seconds. */
    private static double[] fromEpochRecords(List<ObjectNode> epochs) {
        double seconds = 0;
        double samples = 0;
        int n = 0;
        for (ObjectNode r : epochs) {
            double s = JsonNumbers.orNaN(r.get("seconds"));
            if (Double.isFinite(s)) {
                seconds += s;
                samples += JsonNumbers.orNaN(r.get("samples"));
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        return new double[]{seconds, seconds > 0 ? samples / seconds : Double.NaN, 0};
    }

    private static double meanOf(List<ObjectNode> records, String field) {
        double sum = 0;
        int n = 0;
        for (ObjectNode r : records) {
            double v = JsonNumbers.orNaN(r.get(field));
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}

package org.sparktrain.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sparktrain.engine.EngineState;
import org.sparktrain.engine.TrainingListener;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The driver's progress line and the {@code train} records of {@code metrics.jsonl}: one record per step
 * ({@code step}, {@code epoch}, {@code loss} of that step) and, every {@code logEvery} steps, also
 * {@code samplesPerSecond} and {@code elapsedSeconds} with a console line such as
 * <pre>[sparktrain] epoch 1/2 | step 450/1876 (24.0%) | 812 samples/s | loss 0.1234 | ETA 1m52s</pre>
 * where loss is the mean over the steps since the previous line and samples/s is measured over the same interval.
 */
public final class ProgressReporter implements TrainingListener {
    private final PrintStream console;
    private final MetricsLog metrics;
    private final int logEvery;
    private final String label;
    private int stepsPerEpoch;
    private int epochs;
    private long totalSteps;
    private long startNanos;
    private long intervalStart;
    private double intervalLoss;
    private double intervalWeight;
    private long intervalSteps;

    public ProgressReporter(String label, PrintStream console, MetricsLog metrics, int logEvery) {
        this.label = label;
        this.console = console;
        this.metrics = metrics;
        this.logEvery = logEvery;
    }

    @Override
    public synchronized void onStart(int stepsPerEpoch, int epochs, EngineState start) {
        this.stepsPerEpoch = stepsPerEpoch;
        this.epochs = epochs;
        this.totalSteps = (long) stepsPerEpoch * epochs;
        this.startNanos = System.nanoTime();
        this.intervalStart = startNanos;
        console.printf(Locale.ROOT, "[%s] training: %d epochs x %d steps%s%n", label, epochs, stepsPerEpoch,
                start.globalStep() > 0 ? ", resuming at step " + start.globalStep() : "");
    }

    @Override
    public synchronized void onStep(long step, double lossSum, double weight, double[] stats) {
        intervalLoss += lossSum;
        intervalWeight += weight;
        intervalSteps++;
        boolean last = step + 1 == totalSteps;
        ObjectNode r = MetricsLog.record("train");
        r.put("step", step + 1);
        r.put("epoch", (int) (step / stepsPerEpoch));
        r.put("loss", weight > 0 ? lossSum / weight : Double.NaN);
        if ((step + 1) % logEvery == 0 || last) {
            long now = System.nanoTime();
            double seconds = (now - intervalStart) / 1e9;
            double samplesPerSecond = seconds > 0 ? intervalWeight / seconds : 0;
            double loss = intervalWeight > 0 ? intervalLoss / intervalWeight : Double.NaN;
            int epoch = (int) (step / stepsPerEpoch);
            long remaining = totalSteps - step - 1;
            double eta = intervalSteps > 0 ? remaining * seconds / intervalSteps : 0;
            console.printf(Locale.ROOT, "[%s] epoch %d/%d | step %d/%d (%.1f%%) | %.0f samples/s | loss %.4f | ETA %s%n",
                    label, epoch + 1, epochs, step + 1, totalSteps, 100.0 * (step + 1) / totalSteps, samplesPerSecond,
                    loss, duration(eta));
            r.put("samplesPerSecond", samplesPerSecond);
            r.put("elapsedSeconds", (now - startNanos) / 1e9);
            intervalStart = now;
            intervalLoss = 0;
            intervalWeight = 0;
            intervalSteps = 0;
        }
        if (metrics != null) {
            metrics.write(r);
        }
    }

    @Override
    public void onCheckpoint(EngineState state, String path) {
        console.printf(Locale.ROOT, "[%s] checkpoint at step %d: %s%n", label, state.globalStep(), path);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}

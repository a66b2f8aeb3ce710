package org.sparktrain.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run directory with known contents for the report tests: 200 train records (every 10 steps, 3 epochs of 700
 * steps, loss {@code 2 exp(-step/500) + 0.1 + 0.05 (-1)^i}), 3 validation records, 5 {@code moe} records with a nested
 * array, a cut-off last line, a 3-class {@code eval.json}, {@code config.yaml} and a model card.
 */
final class SyntheticRun {
    static final String RUN_ID = "lenet-run_7";
    static final int TRAIN_RECORDS = 200;
    static final long[][] CONFUSION = {{50, 2, 3}, {4, 40, 6}, {1, 2, 47}};
    static final String CONFIG = "runId: lenet-run_7\nmodel:\n  type: lenet5   # <b>not bold</b> & more\n";

    private SyntheticRun() {
    }

    static double trainLoss(int i) {
        long step = 10L * (i + 1);
        return 2 * Math.exp(-step / 500.0) + 0.1 + 0.05 * (i % 2 == 0 ? 1 : -1);
    }

    /** Accuracy of each true class of {@link #CONFUSION}, computed independently of the report code. */
    static double[] perClassAccuracy() {
        double[] a = new double[CONFUSION.length];
        for (int i = 0; i < a.length; i++) {
            long row = 0;
            for (long v : CONFUSION[i]) {
                row += v;
            }
            a[i] = CONFUSION[i][i] / (double) row;
        }
        return a;
    }

    static double testAccuracy() {
        return (50 + 40 + 47) / 155.0;
    }

    /** Creates the run directory {@code parent/RUN_ID} and returns it. */
    static Path create(Path parent) throws IOException {
        Path run = Files.createDirectories(parent.resolve(RUN_ID));
        Files.write(run.resolve("metrics.jsonl"), metricsLines());
        double[] per = perClassAccuracy();
        Files.writeString(run.resolve("eval.json"), String.format(Locale.ROOT,
                "{\"split\":\"test\",\"count\":155,\"accuracy\":%s,\"loss\":0.31,\"perClassAccuracy\":[%s,%s,%s],"
                        + "\"confusionMatrix\":[[50,2,3],[4,40,6],[1,2,47]],\"classNames\":[\"cat\",\"dog\",\"<bird>\"],"
                        + "\"dataset\":\"/data/pets\"}",
                testAccuracy(), per[0], per[1], per[2]));
        Files.writeString(run.resolve("config.yaml"), CONFIG);
        Files.createDirectories(run.resolve("model"));
        Files.writeString(run.resolve("model/model-card.json"), "{\"method\":\"LeNet-5 image classifier\","
                + "\"citation\":\"LeCun et al., Gradient-based learning applied to document recognition, 1998\","
                + "\"data\":{\"dataset\":\"pets\",\"numClasses\":3},\"metrics\":{\"validationAccuracy\":0.97}}");
        return run;
    }

    static List<String> metricsLines() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TRAIN_RECORDS; i++) {
            long step = 10L * (i + 1);
            lines.add(String.format(Locale.ROOT, "{\"type\":\"train\",\"step\":%d,\"epoch\":%d,\"loss\":%s,"
                            + "\"samplesPerSecond\":%s,\"elapsedSeconds\":%s,\"lr\":%s,\"time\":\"2024-05-01T10:00:00Z\"}",
                    step, (step - 1) / 700, trainLoss(i), 900.0 + (i % 3) * 50, step / 10.0, 0.001 * Math.pow(0.99, i)));
            if (step % 400 == 0) {
                lines.add(String.format(Locale.ROOT, "{\"type\":\"moe\",\"step\":%d,\"epoch\":%d,\"maxVio\":%s,"
                                + "\"tokensPerExpert\":[[%d,7],[3,4]],\"bias\":[0.1,%s,-0.1]}",
                        step, (step - 1) / 700, 1.0 / step, step, -1.0 / step));
            }
        }
        lines.add("{\"type\":\"validation\",\"step\":700,\"epoch\":0,\"split\":\"valid\",\"accuracy\":0.9,\"loss\":0.3}");
        lines.add("{\"type\":\"validation\",\"step\":1400,\"epoch\":1,\"split\":\"valid\",\"accuracy\":0.95,\"loss\":0.2}");
        lines.add("{\"type\":\"validation\",\"step\":2000,\"epoch\":2,\"split\":\"valid\",\"accuracy\":0.97,\"loss\":0.15}");
        lines.add("{\"type\":\"summary\",\"step\":2000,\"trainSeconds\":190.5,\"samplesPerSecond\":950.0,"
                + "\"validationAccuracy\":0.97}");
        lines.add("{\"type\":\"train\",\"step\":2010,\"epoch\":2,\"lo");
        return lines;
    }
}

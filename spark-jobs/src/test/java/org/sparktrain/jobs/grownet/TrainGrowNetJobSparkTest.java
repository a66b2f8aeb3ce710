package org.sparktrain.jobs.grownet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.cli.JobRegistry;
import org.sparktrain.data.BadInputException;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.zoo.grownet.GrowNetModel;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(SharedSpark.class)
class TrainGrowNetJobSparkTest {
    @Test
    void trainsFromFannFilesAndWritesModelAndEvaluation(SparkSession spark, @TempDir Path tmp) throws Exception {
        Path train = fann(tmp.resolve("t.train"), 200, 1);
        Path test = fann(tmp.resolve("t.test"), 100, 2);
        TrainGrowNetConfig cfg = new TrainGrowNetConfig("job", tmp.resolve("runs").toUri().toString(),
                new GrowNetDataConfig("fann", train.toString(), test.toString(), 5, null, null, null, null, null),
                new GrowNetParams("regression", 4, 2, OptimizerConfig.of("adam", 0.01), null, 40, 1, 1, null, null, null, null, null, null, 2,
                        3L, null, null, null, tmp.resolve("work").toUri().toString(), null, null, null), null);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        new TrainGrowNetJob().run(cfg, JobContext.withSession(spark, false, new PrintStream(console, true)));

        assertNotNull(JobRegistry.get("train-grownet"));
        Path run = tmp.resolve("runs").resolve("job");
        JsonNode eval = new ObjectMapper().readTree(run.resolve("eval.json").toFile());
        double reported = eval.get("test").asDouble();
        // independent check: the saved model, loaded in a plain JVM, scored on the test file by hand
        GrowNetModel model;
        try (FileInputStream in = new FileInputStream(run.resolve("model").resolve(GrowNetSparkModel.MODEL_FILE).toFile())) {
            model = GrowNetModel.read(in, "saved model");
        }
        double sum = 0;
        java.util.List<String> lines = Files.readAllLines(test);
        for (int i = 1; i < lines.size(); i += 2) {
            String[] t = lines.get(i).trim().split(" ");
            float[] x = new float[t.length];
            for (int j = 0; j < t.length; j++) {
                x[j] = Float.parseFloat(t[j]);
            }
            double r = model.score(x) - Double.parseDouble(lines.get(i + 1).trim());
            sum += r * r;
        }
        assertEquals(Math.sqrt(sum / 100), reported, 1e-6);
        assertTrue(console.toString().contains("test rmse"), console.toString());
        assertEquals(eval.get("training").get("bestStage").asInt(), model.numLearners());
    }

    @Test
    void aBadFannLineFailsNamingFileAndLine(SparkSession spark, @TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.train");
        Files.writeString(bad, "2 2 1\n0.1 0.2\n1\n0.3 x\n0\n");
        TrainGrowNetConfig cfg = new TrainGrowNetConfig("bad", tmp.resolve("runs").toUri().toString(),
                new GrowNetDataConfig(null, bad.toString(), null, 0, null, null, null, null, null), null, null);
        Exception e = assertThrows(BadInputException.class,
                () -> new TrainGrowNetJob().run(cfg, JobContext.withSession(spark, false, System.out)));
        assertTrue(e.getMessage().contains("bad.train:4"), e.getMessage());
    }

    /** A FANN regression file: y = x0 − 2 x1 + x0 x2. */
    private static Path fann(Path file, int n, long seed) throws Exception {
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(n + " 3 1\n");
        for (int i = 0; i < n; i++) {
            double[] x = {rng.nextDouble(), rng.nextDouble(), rng.nextDouble()};
            sb.append(String.format(Locale.ROOT, "%.6f %.6f %.6f%n%.6f%n", x[0], x[1], x[2],
                    x[0] - 2 * x[1] + x[0] * x[2]));
        }
        Files.writeString(file, sb.toString());
        return file;
    }
}

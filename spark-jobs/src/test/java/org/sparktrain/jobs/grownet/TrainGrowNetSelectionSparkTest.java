package org.sparktrain.jobs.grownet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.testing.CliRun;
import org.sparktrain.testing.SharedSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * {@code train-grownet} on a selection, through the CLI with the real jobs: a FANN regression table prepared with
 * {@code prepare}, a leverage-score selection of it made by {@code select}, then GrowNet trained on the selection
 * given as {@code data.selection} and as {@code data.dataset}; eval.json and the saved model record the weighting
 * (R/n from the selection's manifest) and the test RMSE beats the constant predictor by a margin.
 */
@ExtendWith(SharedSpark.class)
class TrainGrowNetSelectionSparkTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void data() throws Exception {
        write(dir.resolve("reg.train"), 400, 3);
        write(dir.resolve("reg.test"), 150, 4);
        CliRun p = cli("prepare", "--set", "source=fann", "--set", "table.train=" + dir.resolve("reg.train"),
                "--set", "table.test=" + dir.resolve("reg.test"), "--set", "output=" + dir.resolve("reg"));
        assertEquals(0, p.code(), p.err());
        CliRun s = cli("select", "--run-id", "lev", "--set", "data.dataset=" + dir.resolve("reg"),
                "--set", "output=" + dir.resolve("sel"), "--set", "selection.method=leverage",
                "--set", "selection.m=250", "--set", "selection.seed=5");
        assertEquals(0, s.code(), s.err());
    }

    /** y = x0 − 2 x1 + x0 x2 + noise (sd 0.05), x uniform in [0, 1)^3. */
    private static void write(Path file, int n, long seed) throws Exception {
        Random rng = new Random(seed);
        StringBuilder sb = new StringBuilder(n + " 3 1\n");
        for (int i = 0; i < n; i++) {
            double[] x = {rng.nextDouble(), rng.nextDouble(), rng.nextDouble()};
            sb.append(String.format(Locale.ROOT, "%.6f %.6f %.6f%n%.6f%n", x[0], x[1], x[2],
                    x[0] - 2 * x[1] + x[0] * x[2] + 0.05 * rng.nextGaussian()));
        }
        Files.writeString(file, sb.toString());
    }

    private static List<String> train(String runId, String... sets) {
        List<String> args = new ArrayList<>(List.of("train-grownet", "--run-id", runId,
                "--set", "output=" + dir.resolve("runs"), "--set", "data.format=prepared",
                "--set", "grownet.task=regression", "--set", "grownet.hidden=8", "--set", "grownet.stages=4",
                "--set", "grownet.optimizer.type=adam", "--set", "grownet.optimizer.learningRate=0.02",
                "--set", "grownet.batchSize=32", "--set", "grownet.epochsPerStage=3", "--set", "grownet.workers=2",
                "--set", "grownet.seed=3", "--set", "grownet.workDir=" + dir.resolve("work").toUri(),
                "--set", "spark.master=local[2]"));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        return args;
    }

    /** RMSE of the constant mean of the test labels, read from the prepared test split (the trivial predictor). */
    private static double constantRmse(SparkSession spark) {
        List<Row> rows = PreparedDataset.readSplit(spark, dir.resolve("reg").toString(), "test").collectAsList();
        double mean = 0;
        for (Row r : rows) {
            mean += ((Number) r.getAs("label")).doubleValue() / rows.size();
        }
        double ss = 0;
        for (Row r : rows) {
            double e = ((Number) r.getAs("label")).doubleValue() - mean;
            ss += e * e;
        }
        return Math.sqrt(ss / rows.size());
    }

    @Test
    void trainsOnTheSelectionAsDataSelectionAndAsTheDataset(SparkSession spark) throws Exception {
        DatasetManifest sel = PreparedDataset.readManifest(dir.resolve("sel").toString(),
                spark.sparkContext().hadoopConfiguration());
        long rows = sel.split("train").count();
        assertEquals("400", sel.properties().get("selection.populationSize"));
        double scale = rows / 400.0;
        double trivial = constantRmse(spark);
        ObjectMapper json = new ObjectMapper();
        for (String[] run : new String[][]{
                {"beside", "data.dataset=" + dir.resolve("reg"), "data.selection=" + dir.resolve("sel")},
                {"alone", "data.dataset=" + dir.resolve("sel")}}) {
            CliRun t = cli(train(run[0], java.util.Arrays.copyOfRange(run, 1, run.length)));
            assertEquals(0, t.code(), t.err());
            assertTrue(t.out().contains("weighted loss: column weight"), t.out());
            JsonNode eval = json.readTree(dir.resolve("runs").resolve(run[0]).resolve("eval.json").toFile());
            JsonNode data = eval.get("data");
            assertEquals(dir.resolve("sel").toString(), data.get("trainData").asText());
            assertEquals("selection weights x R/n = " + rows + "/400 (unbiased estimate of the full-data mean loss)",
                    data.get("weights").asText());
            assertEquals(scale, data.get("weightScale").asDouble(), 1e-15);
            assertEquals("test", data.get("testSplit").asText());
            JsonNode training = eval.get("training");
            assertEquals(PreparedTables.RECORD_WEIGHT, training.get("weightCol").asText());
            // Σ (R/n)·w over the training rows (held-out ids removed) estimates the trained share of the 400 records
            double weightSum = training.get("weightSum").asDouble();
            assertTrue(weightSum > 0.5 * rows && weightSum < 1.5 * rows, "weight sum " + weightSum);
            double rmse = eval.get("test").asDouble();
            System.out.printf(Locale.ROOT, "%s: R = %d, weight sum %.2f, test RMSE %.4f, constant %.4f%n", run[0],
                    rows, weightSum, rmse, trivial);
            assertTrue(Double.isFinite(rmse));
            assertTrue(rmse < 0.5 * trivial, run[0] + ": test RMSE " + rmse + " vs constant " + trivial);
            assertTrue(eval.get("constantTest").asDouble() > 0.9 * trivial, eval.toString());
            // the saved model's summary records the weighting too
            String meta = Files.readString(dir.resolve("runs").resolve(run[0]).resolve("model")
                    .resolve(GrowNetSparkModel.META_FILE));
            assertTrue(meta.contains("selection weights x R/n = " + rows + "/400"), meta);
        }
    }

    @Test
    void weightsFalseTrainsUnweightedOnTheSameRecords() throws Exception {
        CliRun t = cli(train("plain", "data.dataset=" + dir.resolve("sel"), "data.weights=false"));
        assertEquals(0, t.code(), t.err());
        assertFalse(t.out().contains("weighted loss"), t.out());
        JsonNode eval = new ObjectMapper().readTree(dir.resolve("runs/plain/eval.json").toFile());
        assertEquals("unweighted (data.weights is false; the weight column is ignored)",
                eval.get("data").get("weights").asText());
        assertFalse(eval.get("training").has("weightCol"));
        assertTrue(Double.isFinite(eval.get("test").asDouble()));
        System.out.printf(Locale.ROOT, "plain: test RMSE %.4f%n", eval.get("test").asDouble());
    }

    @Test
    void badCombinationsExitTwoNamingTheKey() throws Exception {
        CliRun fann = cli("train-grownet", "--set", "output=" + dir.resolve("runs"), "--set",
                "data.train=" + dir.resolve("reg.train"), "--set", "data.selection=" + dir.resolve("sel"));
        assertEquals(2, fann.code(), fann.err());
        assertTrue(fann.err().contains("data.selection: format 'fann' does not read a selection"), fann.err());
        assertTrue(fann.err().contains("sparktrain prepare"), fann.err());
        CliRun binary = cli(train("b", "data.dataset=" + dir.resolve("sel"), "grownet.task=binary"));
        assertEquals(2, binary.code(), binary.err());
        assertTrue(binary.err().contains("grownet.task: 'binary' needs a dataset with 2 classes"), binary.err());
        CliRun split = cli(train("s", "data.dataset=" + dir.resolve("reg"), "data.testSplit=valid"));
        assertEquals(2, split.code(), split.err());
        assertTrue(split.err().contains("data.testSplit"), split.err());
        CliRun quantile = cli(train("q", "data.dataset=" + dir.resolve("sel"), "grownet.featureScaling=quantile"));
        assertEquals(2, quantile.code(), quantile.err());
        assertTrue(quantile.err().contains("grownet.featureScaling: 'quantile' takes no record weights"),
                quantile.err());
        assertFalse(Files.exists(dir.resolve("runs").resolve("b")));
        assertFalse(Files.exists(dir.resolve("runs").resolve("q")));
    }
}

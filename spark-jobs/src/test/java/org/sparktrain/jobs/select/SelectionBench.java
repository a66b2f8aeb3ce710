package org.sparktrain.jobs.select;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.api.Sparktrain;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.sampling.InverseCdfSampler;
import org.sparktrain.data.sampling.SelectionSettings;
import org.sparktrain.data.sampling.SensitivityScores;
import org.sparktrain.testing.SharedSpark;
import scala.Tuple2;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a unit test; runs only with {@code SPARKTRAIN_BENCH=1}, see docs/benchmarks-selection.md): MNIST,
 * MLP [128], training on a sensitivity sample of m = 10% vs a uniform sample of the same m vs the full training set,
 * and the estimator quality of the weighted sample loss (RMSE over 50 seeds, sensitivity vs uniform) with the pilot
 * model fixed. Protocol after the spec's active-learning reproduction: a pilot model is trained on a uniform
 * 0.2·m sample; its loss and penultimate layer drive the selection.
 */
@ExtendWith(SharedSpark.class)
@EnabledIfEnvironmentVariable(named = "SPARKTRAIN_BENCH", matches = "1")
class SelectionBench {
    private static final String OUT = System.getenv().getOrDefault("SPARKTRAIN_BENCH_DIR", "target/selection-bench");

    private static String train(SparkSession spark, String runId, String data, String selection, int epochs,
                                List<String> extra) throws Exception {
        List<String> sets = new ArrayList<>(List.of("output=" + OUT + "/runs", "data.dataset=" + data,
                "model.type=mlp", "model.hidden=[128]", "engine.workers=2", "engine.epochs=" + epochs,
                "engine.batchSize=64", "engine.logEvery=1000"));
        if (selection != null) {
            sets.add("data.selection=" + selection);
        }
        sets.addAll(extra);
        List<String> args = new ArrayList<>();
        sets.forEach(s -> args.add(s));
        long t0 = System.nanoTime();
        Sparktrain.run(spark, "train-classifier", "runId: " + runId + "\n", args.toArray(String[]::new));
        double acc = new ObjectMapper().readTree(Path.of(OUT, "runs", runId, "model", "model-card.json").toFile())
                .at("/metrics/validationAccuracy").asDouble();
        return String.format(Locale.ROOT, "%.4f (%.0f s)", acc, (System.nanoTime() - t0) / 1e9);
    }

    private static void select(SparkSession spark, String out, String data, String model, String method, long m,
                               long seed) throws Exception {
        List<String> sets = new ArrayList<>(List.of("data.dataset=" + data, "output=" + out,
                "selection.method=" + method, "selection.m=" + m, "selection.seed=" + seed, "selection.k=100",
                "selection.lambda=1.0"));
        if (model != null) {
            sets.add("model=" + model);
        }
        Sparktrain.run(spark, "select", "runId: bench\n", sets.toArray(String[]::new));
    }

    @Test
    void mnistSensitivityVersusUniformVersusFull(SparkSession spark) throws Exception {
        StringBuilder report = new StringBuilder();
        long start = System.nanoTime();
        String data = OUT + "/mnist";
        Sparktrain.run(spark, "prepare", "source: mnist\noutput: " + data + "\n");
        long n = 60000;
        long m = n / 10;
        int epochs = 3;

        // pilot: uniform 0.2·m records, trained briefly; its loss and embedding drive the selection
        select(spark, OUT + "/pilot-sample", data, null, "uniform", m / 5, 100);
        String pilot = train(spark, "pilot", data, OUT + "/pilot-sample", epochs, List.of());
        String pilotRun = OUT + "/runs/pilot";
        report.append("pilot model (uniform ").append(m / 5).append(" draws, ").append(epochs)
                .append(" epochs): test accuracy ").append(pilot).append('\n');

        long t0 = System.nanoTime();
        select(spark, OUT + "/sensitivity", data, pilotRun, "sensitivity", m, 1);
        double selectSeconds = (System.nanoTime() - t0) / 1e9;
        select(spark, OUT + "/uniform", data, null, "uniform", m, 1);
        report.append(String.format(Locale.ROOT, "sensitivity selection of m = %d on n = %d: %.0f s%n", m, n,
                selectSeconds));
        report.append("train on sensitivity sample (weighted): ")
                .append(train(spark, "sens-w", data, OUT + "/sensitivity", epochs, List.of())).append('\n');
        report.append("train on sensitivity sample (unweighted): ")
                .append(train(spark, "sens-u", data, OUT + "/sensitivity", epochs, List.of("data.weights=false")))
                .append('\n');
        report.append("train on uniform sample: ")
                .append(train(spark, "uniform", data, OUT + "/uniform", epochs, List.of())).append('\n');
        report.append("train on the full set: ")
                .append(train(spark, "full", data, null, epochs, List.of())).append('\n');

        // estimator quality with the pilot model fixed: RMSE of Σ_S w·ℓ / n vs the full mean loss over 50 seeds
        ClassifierSelectionModel model = ClassifierSelectionModel.load(pilotRun, spark.sparkContext()
                .hadoopConfiguration());
        Dataset<Row> records = PreparedDataset.readSplit(spark, data, "train");
        double[] loss = new double[(int) n];
        records.select("id", "features", "label").javaRDD().mapPartitions(it -> losses(it, model)).collect()
                .forEach(t -> loss[(int) (long) t._1()] = t._2());
        double full = 0;
        for (double l : loss) {
            full += l;
        }
        full /= n;
        SelectionSettings s = new SelectionSettings("sensitivity", 100, m, null, 1.0, null, null, null, null, 1L, null);
        SensitivityScores scores = SensitivityScores.compute(records, 100, s, "model", 784, model);
        double[] mass = new double[(int) n];
        scores.scored().collect().forEach(r -> mass[(int) r.id()] = r.mass());
        scores.release();
        double total = 0;
        for (double v : mass) {
            total += v;
        }
        double[] ones = new double[(int) n];
        java.util.Arrays.fill(ones, 1.0);
        report.append(String.format(Locale.ROOT, "full-data mean loss of the pilot model: %.5f%n", full));
        for (long draws : new long[]{n / 100, n / 20}) {
            double sens = rmse(mass, total, loss, full, draws);
            double uni = rmse(ones, n, loss, full, draws);
            report.append(String.format(Locale.ROOT, "estimator RMSE over 50 seeds, m = %d: sensitivity %.5f, uniform "
                    + "%.5f, ratio %.3f%n", draws, sens, uni, sens / uni));
        }
        report.append(String.format(Locale.ROOT, "total bench time %.0f s%n", (System.nanoTime() - start) / 1e9));
        System.out.println("SELECTION BENCH\n" + report);
        Files.writeString(Path.of(OUT, "report.txt"), report.toString());
    }

    private static Iterator<Tuple2<Long, Double>> losses(Iterator<Row> it, ClassifierSelectionModel model) {
        List<Tuple2<Long, Double>> out = new ArrayList<>();
        List<Row> batch = new ArrayList<>();
        while (it.hasNext()) {
            batch.add(it.next());
            if (batch.size() == 512 || !it.hasNext()) {
                float[][] x = new float[batch.size()][];
                double[] y = new double[batch.size()];
                for (int i = 0; i < x.length; i++) {
                    List<Object> f = batch.get(i).getList(1);
                    x[i] = new float[f.size()];
                    for (int j = 0; j < x[i].length; j++) {
                        x[i][j] = ((Number) f.get(j)).floatValue();
                    }
                    y[i] = batch.get(i).getInt(2);
                }
                double[] l = model.losses(x, y);
                for (int i = 0; i < l.length; i++) {
                    out.add(new Tuple2<>(batch.get(i).getLong(0), l[i]));
                }
                batch.clear();
            }
        }
        return out.iterator();
    }

    /** RMSE over 50 seeds of (1/n)·Σ_S mult/(m·p)·ℓ against the full mean, p = mass/total. */
    private static double rmse(double[] mass, double total, double[] loss, double full, long m) {
        double sq = 0;
        int seeds = 50;
        for (int seed = 1; seed <= seeds; seed++) {
            int[] mult = InverseCdfSampler.multiplicities(mass, InverseCdfSampler.draws(m, total, seed));
            double estimate = 0;
            for (int i = 0; i < mass.length; i++) {
                if (mult[i] > 0) {
                    estimate += mult[i] * total / (m * mass[i]) * loss[i];
                }
            }
            estimate /= mass.length;
            sq += (estimate - full) * (estimate - full);
        }
        return Math.sqrt(sq / seeds);
    }
}

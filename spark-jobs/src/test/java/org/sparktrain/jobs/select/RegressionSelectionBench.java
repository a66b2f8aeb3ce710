package org.sparktrain.jobs.select;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.api.Sparktrain;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.sampling.InverseCdfSampler;
import org.sparktrain.data.sampling.LeverageScores;
import org.sparktrain.data.sampling.LinearDesign;
import org.sparktrain.data.sampling.LinearRegressionSelectionModel;
import org.sparktrain.data.sampling.SelectionSettings;
import org.sparktrain.data.sampling.SensitivityScores;
import org.sparktrain.data.sampling.SensitivitySampling;
import org.sparktrain.data.sampling.WeightedLeastSquares;
import org.sparktrain.testing.BenchmarkFile;
import org.sparktrain.testing.SharedSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Benchmark (not a unit test; runs only with {@code SPARKTRAIN_BENCH=1}): linear regression on census-house
 * (Debian libfann-doc, FANN format, prepared with {@code sparktrain prepare}), coefficients fitted by weighted least
 * squares ({@link WeightedLeastSquares}) on m draws of three samplers with the same m, against the full-data fit:
 * <ul>
 *   <li>uniform: p = 1/n;</li>
 *   <li>leverage: p = h_ii / d, exact leverage scores of the design ({@link LeverageScores});</li>
 *   <li>sensitivity: the spec's procedure with a pilot least-squares fit on 0.2·m uniform records as the model
 *   ({@link LinearRegressionSelectionModel}: ℓ = squared residual, embedding = standardised features), k-means with
 *   k clusters, λ fixed or calibrated; pilot, clustering and draws all re-seeded per seed.</li>
 * </ul>
 * Every sample's weights are 1/(m·p) per draw. Reported per method and m: mean ± sd over the seeds of the test RMSE
 * and of ‖β̂ − β_full‖ / ‖β_full‖. Results go into docs/benchmarks-selection.md ({@link BenchmarkFile}) and
 * {@code $SPARKTRAIN_BENCH_DIR/report.txt}.
 */
@ExtendWith(SharedSpark.class)
@EnabledIfEnvironmentVariable(named = "SPARKTRAIN_BENCH", matches = "1")
class RegressionSelectionBench {
    private static final String OUT = System.getenv().getOrDefault("SPARKTRAIN_BENCH_DIR", "target/selection-bench");
    private static final String FANN = System.getProperty("census.dir", "/usr/share/doc/libfann-dev/examples/datasets");
    private static final int SEEDS = Integer.getInteger("regression.seeds", 20);
    private static final int K = Integer.getInteger("regression.k", 50);
    private static final double Z = Double.parseDouble(System.getProperty("regression.z", "2"));
    /** Block name in docs/benchmarks-selection.md: the default settings, or a variant's k and z. */
    private static final String BLOCK = K == 50 && Z == 2 ? "census-regression"
            : String.format(Locale.ROOT, "census-regression-k%d-z%s", K, Z);
    private static final double[] FRACTIONS = {0.01, 0.05};

    /** A design matrix with targets, held on the driver (census-house is 11,392 x 3). */
    private record Table(double[][] a, double[] y, Map<Long, Integer> index) {
        static Table of(Dataset<Row> rows, LinearDesign design) {
            List<Row> list = rows.select(PreparedDataset.ID, PreparedDataset.FEATURES, PreparedDataset.LABEL)
                    .collectAsList();
            double[][] a = new double[list.size()][];
            double[] y = new double[list.size()];
            Map<Long, Integer> index = new HashMap<>();
            for (int i = 0; i < a.length; i++) {
                Row r = list.get(i);
                List<Object> f = r.getList(1);
                float[] x = new float[f.size()];
                for (int j = 0; j < x.length; j++) {
                    x[j] = ((Number) f.get(j)).floatValue();
                }
                a[i] = design.row(x);
                y[i] = ((Number) r.get(2)).doubleValue();
                index.put(r.getLong(0), i);
            }
            return new Table(a, y, index);
        }
    }

    /** Per-seed results of one method at one m. */
    private static final class Stats {
        final List<Double> rmse = new ArrayList<>();
        final List<Double> coef = new ArrayList<>();
        final List<Double> distinct = new ArrayList<>();
        int failed;

        String cell(List<Double> v, String fmt) {
            double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double var = v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / Math.max(1, v.size() - 1);
            return String.format(Locale.ROOT, fmt + " ± " + fmt, mean, Math.sqrt(var));
        }
    }

    private static void report(String line) throws Exception {
        System.out.println("REGRESSION BENCH " + line);
        Files.createDirectories(Path.of(OUT));
        Files.writeString(Path.of(OUT, "report.txt"), line + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** β̂ of the weighted draws (id, weight, ...) or null when the sample's design is rank-deficient. */
    private static double[] fit(Table train, List<Row> drawn) {
        double[][] a = new double[drawn.size()][];
        double[] y = new double[drawn.size()];
        double[] w = new double[drawn.size()];
        for (int i = 0; i < a.length; i++) {
            int row = train.index().get(drawn.get(i).getLong(0));
            a[i] = train.a()[row];
            y[i] = train.y()[row];
            w[i] = drawn.get(i).getDouble(1);
        }
        try {
            return WeightedLeastSquares.fit(a, y, w);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void record(Stats st, double[] beta, double[] full, Table test, int rows) {
        if (beta == null) {
            st.failed++;
            return;
        }
        st.rmse.add(WeightedLeastSquares.rmse(beta, test.a(), test.y()));
        st.coef.add(WeightedLeastSquares.relativeError(beta, full));
        st.distinct.add((double) rows);
    }

    private static List<Row> draw(SparkSession spark, SensitivityScores scores, long m, long seed) {
        InverseCdfSampler.PartitionMass masses = InverseCdfSampler.masses(scores.scored());
        return SensitivitySampling.drawnRows(spark, scores.scored(), masses, m, seed).collectAsList();
    }

    @Test
    void censusHouseLinearRegression(SparkSession spark) throws Exception {
        double loadAtStart = BenchmarkFile.load();
        long t0 = System.nanoTime();
        String data = OUT + "/census-house";
        if (!Files.exists(Path.of(data, "manifest.json"))) {
            Sparktrain.run(spark, "prepare", "source: fann\noutput: " + data + "\ntable:\n  train: file://" + FANN
                    + "/census-house.train\n  test: file://" + FANN + "/census-house.test\n");
        }
        Dataset<Row> records = PreparedDataset.readSplit(spark, data, PreparedDataset.TRAIN).cache();
        int featureSize = PreparedDataset.readManifest(data, spark.sparkContext().hadoopConfiguration()).featureSize();
        long n = records.count();
        LinearDesign design = LinearDesign.of(records, featureSize, data);
        Table train = Table.of(records, design);
        Table test = Table.of(PreparedDataset.readSplit(spark, data, PreparedDataset.TEST), design);
        double[] full = WeightedLeastSquares.fit(train.a(), train.y(), null);
        double fullRmse = WeightedLeastSquares.rmse(full, test.a(), test.y());
        double[] mean = new double[1];
        Arrays.stream(test.y()).forEach(v -> mean[0] += v / test.y().length);
        double constRmse = Math.sqrt(Arrays.stream(test.y()).map(v -> (v - mean[0]) * (v - mean[0])).sum()
                / test.y().length);
        report(String.format(Locale.ROOT, "census-house n = %d, design %s, d = %d; full fit β = %s, test RMSE %.6f "
                        + "(predicting the test mean: %.6f)", n, design, design.width(), Arrays.toString(full),
                fullRmse, constRmse));

        SensitivityScores uniform = SensitivityScores.uniform(records);
        SensitivityScores leverage = LeverageScores.compute(records, featureSize, data);
        double[] h = leverage.scored().map(r -> r.mass()).collect().stream().mapToDouble(Double::doubleValue)
                .sorted().toArray();
        report(String.format(Locale.ROOT, "leverage: Σh = %.6f, max %.5f, 99th pct %.3g, median %.3g", Arrays.stream(h)
                .sum(), h[h.length - 1], h[(int) (0.99 * h.length)], h[h.length / 2]));

        Map<String, Map<Long, Stats>> results = new LinkedHashMap<>();
        List<String> lambdaNotes = new ArrayList<>();
        for (double fraction : FRACTIONS) {
            long m = Math.round(fraction * n);
            int pilotSize = (int) Math.round(0.2 * m);
            Map<String, LongFunction<List<Row>>> methods = new LinkedHashMap<>();
            methods.put("uniform", seed -> draw(spark, uniform, m, seed));
            methods.put("leverage scores", seed -> draw(spark, leverage, m, seed));
            for (Double q : new Double[]{null, 0.9}) {
                String name = q == null ? "sensitivity, λ = 1" : "sensitivity, λ calibrated (q = 0.9)";
                methods.put(name, seed -> {
                    LinearRegressionSelectionModel pilot = LinearRegressionSelectionModel.pilot(records, design,
                            pilotSize, 1000 + seed, data);
                    SelectionSettings s = new SelectionSettings(SelectionSettings.SENSITIVITY, K, m, null, 1.0, Z,
                            SelectionSettings.MODEL, null, false, seed, null, false, q, 1000, null);
                    SensitivityScores scores = SensitivityScores.compute(records, K, s, SelectionSettings.MODEL,
                            featureSize, 0, pilot);
                    try {
                        if (seed == 1) {
                            lambdaNotes.add(String.format(Locale.ROOT, "%s, m = %d: λ = %.4g (seed 1)", name, m,
                                    scores.lambda()));
                        }
                        return draw(spark, scores, m, seed);
                    } finally {
                        scores.release();
                    }
                });
            }
            for (Map.Entry<String, LongFunction<List<Row>>> e : methods.entrySet()) {
                Stats st = results.computeIfAbsent(e.getKey(), x -> new LinkedHashMap<>())
                        .computeIfAbsent(m, x -> new Stats());
                for (long seed = 1; seed <= SEEDS; seed++) {
                    List<Row> drawn = e.getValue().apply(seed);
                    record(st, fit(train, drawn), full, test, drawn.size());
                }
                report(String.format(Locale.ROOT, "m = %d, %s: test RMSE %s, rel. coefficient error %s, distinct "
                                + "rows %s, rank-deficient samples %d", m, e.getKey(), st.cell(st.rmse, "%.5f"),
                        st.cell(st.coef, "%.4f"), st.cell(st.distinct, "%.0f"), st.failed));
            }
        }
        uniform.release();
        leverage.release();

        StringBuilder md = new StringBuilder();
        long m1 = Math.round(FRACTIONS[0] * n);
        long m5 = Math.round(FRACTIONS[1] * n);
        md.append(String.format(Locale.ROOT, "census-house (Debian libfann-doc, FANN): n = %d training rows, %d test "
                        + "rows. Design: %s, d = %d. Full-data least squares β = %s, test RMSE %.5f (predicting the "
                        + "test mean: %.5f). Leverage scores: max %.4f, median %.3g (Σ h = d).%n%n",
                n, test.y().length, design, design.width(), fmt(full), fullRmse, constRmse, h[h.length - 1],
                h[h.length / 2]));
        md.append(String.format(Locale.ROOT, "m = %d (1%%) and %d (5%%) draws with replacement, weights 1/(m·p), "
                + "%d seeds per cell (mean ± sd over seeds). Sensitivity: pilot least squares on round(0.2·m) "
                + "uniform records (so it sees 1.2·m labelled rows), standardised features, k = %d, z = %s.%n%n",
                m1, m5, SEEDS, K, Z));
        md.append("| method | m | test RMSE | ‖β̂ − β_full‖ / ‖β_full‖ | distinct rows | rank-deficient |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<Long, Stats>> e : results.entrySet()) {
            for (Map.Entry<Long, Stats> c : e.getValue().entrySet()) {
                Stats st = c.getValue();
                md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %d |%n", e.getKey(), c.getKey(),
                        st.cell(st.rmse, "%.5f"), st.cell(st.coef, "%.4f"), st.cell(st.distinct, "%.0f"), st.failed));
            }
        }
        md.append("\n").append(String.join("; ", lambdaNotes)).append(".\n");
        md.append(String.format(Locale.ROOT, "%nWall clock of the whole benchmark: %.0f s.%n",
                (System.nanoTime() - t0) / 1e9));
        BenchmarkFile.write("benchmarks-selection.md", BLOCK,
                "Linear regression on census-house: sensitivity vs leverage-score vs uniform sampling"
                        + (BLOCK.equals("census-regression") ? "" : String.format(Locale.ROOT, " (k = %d, z = %s)", K, Z)),
                "SPARKTRAIN_BENCH=1 mvn -B -o -pl spark-jobs -am test -Dtest=RegressionSelectionBench "
                        + (BLOCK.equals("census-regression") ? "" : "-Dregression.k=" + K + " -Dregression.z=" + Z + " ")
                        + "-Dsurefire.failIfNoSpecifiedTests=false -DfailIfNoTests=false", loadAtStart, md.toString());
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.5f", v[i]));
        }
        return b.append(")").toString();
    }
}

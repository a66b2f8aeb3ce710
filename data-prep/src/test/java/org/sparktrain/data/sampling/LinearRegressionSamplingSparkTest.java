package org.sparktrain.data.sampling;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetDescription;
import org.sparktrain.data.LabeledFeatures;
import org.sparktrain.data.LocalSpark;
import org.sparktrain.data.PreparedDataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linear-regression selection: weighted least squares on a hand-solved problem, leverage scores against the hat
 * matrix diagonal computed independently (Gauss–Jordan inverse of AᵀA), unbiased weights, the {@code leverage}
 * method of the selection stage end to end, the regression pilot model, and duplicate ids.
 */
class LinearRegressionSamplingSparkTest {
    private static final int N = 40;
    private static SparkSession spark;
    @TempDir
    static Path shared;
    /** N records of 4 features: three random, the third of them 0 in every row (a constant column). */
    private static float[][] x;
    private static float[] y;
    private static String table;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("LinearRegressionSamplingSparkTest");
        Random rng = new Random(7);
        x = new float[N][4];
        y = new float[N];
        for (int i = 0; i < N; i++) {
            x[i][0] = (float) rng.nextGaussian();
            x[i][1] = (float) (2 + rng.nextDouble());
            x[i][2] = 0;
            x[i][3] = (float) (i == 5 ? 8 : rng.nextGaussian()); // record 5 has high leverage
            y[i] = (float) (1 + 0.5 * x[i][0] - x[i][1] + 0.25 * x[i][3] + 0.1 * rng.nextGaussian());
        }
        table = write(shared.resolve("reg").toString(), x, y);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static String write(String path, float[][] features, float[] targets) {
        List<LabeledFeatures> train = new ArrayList<>();
        for (int i = 0; i < features.length; i++) {
            train.add(new LabeledFeatures(features[i], 0, targets[i]));
        }
        List<LabeledFeatures> test = List.of(new LabeledFeatures(features[0], 0, targets[0]));
        PreparedDataset.write(spark, path, DatasetDescription.table("reg", true, features[0].length),
                train.iterator(), test.iterator());
        return path;
    }

    /** Design rows [1, x0, x1, x3] in double, as the test's own independent construction. */
    private static double[][] design() {
        double[][] a = new double[N][];
        for (int i = 0; i < N; i++) {
            a[i] = new double[]{1, x[i][0], x[i][1], x[i][3]};
        }
        return a;
    }

    /** Gauss–Jordan inverse with partial pivoting (independent of the QR used by the code under test). */
    private static double[][] inverse(double[][] m) {
        int d = m.length;
        double[][] a = new double[d][2 * d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(m[i], 0, a[i], 0, d);
            a[i][d + i] = 1;
        }
        for (int c = 0; c < d; c++) {
            int p = c;
            for (int r = c + 1; r < d; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            double piv = a[c][c];
            for (int j = 0; j < 2 * d; j++) {
                a[c][j] /= piv;
            }
            for (int r = 0; r < d; r++) {
                if (r != c) {
                    double f = a[r][c];
                    for (int j = 0; j < 2 * d; j++) {
                        a[r][j] -= f * a[c][j];
                    }
                }
            }
        }
        double[][] inv = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(a[i], d, inv[i], 0, d);
        }
        return inv;
    }

    /** diag(A (AᵀA)⁻¹ Aᵀ). */
    private static double[] hatDiagonal(double[][] a) {
        int d = a[0].length;
        double[][] g = new double[d][d];
        for (double[] row : a) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    g[i][j] += row[i] * row[j];
                }
            }
        }
        double[][] gi = inverse(g);
        double[] h = new double[a.length];
        for (int r = 0; r < a.length; r++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    h[r] += a[r][i] * gi[i][j] * a[r][j];
                }
            }
        }
        return h;
    }

    private static double[] leverageById(SensitivityScores scores) {
        double[] h = new double[N];
        for (ScoredRecord r : scores.scored().collect()) {
            h[(int) r.id()] = r.mass();
        }
        return h;
    }

    @Test
    void weightedLeastSquaresSolvesAHandProblem() {
        // y = b0 + b1·x on x = 0, 1, 2, y = 1, 2, 4, w = 1, 1, 2. Normal equations [4 5; 5 9]·b = [11; 18]:
        // b0 = (99 − 90)/11 = 9/11, b1 = (72 − 55)/11 = 17/11.
        double[][] a = {{1, 0}, {1, 1}, {1, 2}};
        double[] yy = {1, 2, 4};
        assertArrayEquals(new double[]{9.0 / 11, 17.0 / 11}, WeightedLeastSquares.fit(a, yy, new double[]{1, 1, 2}),
                1e-14);
        // unit weights: [3 3; 3 5]·b = [7; 10] → b0 = (35 − 30)/6 = 5/6, b1 = (30 − 21)/6 = 3/2
        assertArrayEquals(new double[]{5.0 / 6, 1.5}, WeightedLeastSquares.fit(a, yy, null), 1e-14);
        // weight 2 on a row = that row twice
        double[][] twice = {{1, 0}, {1, 1}, {1, 2}, {1, 2}};
        assertArrayEquals(WeightedLeastSquares.fit(twice, new double[]{1, 2, 4, 4}, null),
                WeightedLeastSquares.fit(a, yy, new double[]{1, 1, 2}), 1e-14);
        // RMSE of b = (9/11, 17/11): fits 9/11, 26/11, 43/11 against y = 11/11, 22/11, 44/11
        assertEquals(Math.sqrt((4 + 16 + 1) / 121.0 / 3), WeightedLeastSquares.rmse(
                new double[]{9.0 / 11, 17.0 / 11}, a, yy), 1e-15);
        assertEquals(Math.sqrt(0.01 + 0.04) / Math.sqrt(1 + 4),
                WeightedLeastSquares.relativeError(new double[]{1.1, 1.8}, new double[]{1, 2}), 1e-15);

        IllegalArgumentException rankDeficient = assertThrows(IllegalArgumentException.class,
                () -> WeightedLeastSquares.fit(a, yy, new double[]{1, 0, 0}));
        assertTrue(rankDeficient.getMessage().contains("rank-deficient"), rankDeficient.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WeightedLeastSquares.fit(a, yy, new double[]{1, -1, 1}));
    }

    @Test
    void leverageScoresAreTheHatMatrixDiagonal() {
        Dataset<Row> records = PreparedDataset.readSplit(spark, table, PreparedDataset.TRAIN).repartition(3);
        LinearDesign design = LinearDesign.of(records, 4, "test");
        assertArrayEquals(new int[]{0, 1, 3}, design.columns());
        assertArrayEquals(new int[]{2}, design.dropped());
        SensitivityScores scores = LeverageScores.compute(records, 4, "test");
        try {
            double[] h = leverageById(scores);
            double[] expected = hatDiagonal(design());
            assertArrayEquals(expected, h, 1e-11);
            assertEquals(4.0, java.util.Arrays.stream(h).sum(), 1e-11); // trace of the hat matrix = d
            assertTrue(h[5] > 0.5, "the outlying record has leverage " + h[5]);
        } finally {
            scores.release();
        }
    }

    @Test
    void leverageWeightsSumToNInExpectation() {
        double[] h = hatDiagonal(design());
        double d = 4;
        int m = 10;
        int seeds = 4000;
        double sum = 0;
        double sumSq = 0;
        double targetTotal = 0;
        for (float v : y) {
            targetTotal += v;
        }
        double estimateSum = 0;
        for (int s = 0; s < seeds; s++) {
            int[] mult = InverseCdfSampler.multiplicities(h, InverseCdfSampler.draws(m, d, s));
            double w = 0;
            double est = 0;
            for (int i = 0; i < N; i++) {
                double weight = mult[i] / (m * h[i] / d);
                w += weight;
                est += weight * y[i];
            }
            sum += w;
            sumSq += w * w;
            estimateSum += est;
        }
        double mean = sum / seeds;
        double sd = Math.sqrt(sumSq / seeds - mean * mean);
        // Var of Σ_S w = (1/m)·(Σ_i 1/p_i − n²): independent value for the standard error
        double exactVar = 0;
        for (double hi : h) {
            exactVar += d / hi;
        }
        exactVar = (exactVar - (double) N * N) / m;
        assertEquals(Math.sqrt(exactVar), sd, 0.1 * Math.sqrt(exactVar));
        assertEquals(N, mean, 4 * Math.sqrt(exactVar / seeds), "mean weight sum " + mean);
        // the weighted sum Σ_S w·y is unbiased for Σ_i y_i; its variance is (1/m)·(Σ_i y_i²/p_i − (Σ_i y_i)²)
        double estVar = 0;
        for (int i = 0; i < N; i++) {
            estVar += (double) y[i] * y[i] * d / h[i];
        }
        estVar = (estVar - targetTotal * targetTotal) / m;
        assertEquals(targetTotal, estimateSum / seeds, 4 * Math.sqrt(estVar / seeds));
    }

    @Test
    void leverageMethodSelectsWithPEqualHOverD() {
        String out = dir.resolve("lev").toString();
        SelectionSettings s = new SelectionSettings("leverage", null, 25L, null, null, null, null, null, null, 3L,
                null, null, null, null, null);
        SelectionResult r = SensitivitySampling.select(spark, table, out, s, null);
        assertEquals(40, r.populationSize());
        assertEquals(25, r.m());
        assertEquals(0, r.k());
        assertEquals(4.0, r.totalMass(), 1e-11);
        double[] h = hatDiagonal(design());
        long draws = 0;
        double weightSum = 0;
        for (Row row : spark.read().parquet(out + "/train").collectAsList()) {
            int id = (int) row.getLong(row.fieldIndex("id"));
            double p = row.getDouble(row.fieldIndex("probability"));
            int mult = row.getInt(row.fieldIndex("multiplicity"));
            assertEquals(h[id] / 4, p, 1e-12);
            assertEquals(mult / (25 * h[id] / 4), row.getDouble(row.fieldIndex("weight")), 1e-9);
            assertEquals(y[id], ((Number) row.get(row.fieldIndex("label"))).floatValue());
            draws += mult;
            weightSum += row.getDouble(row.fieldIndex("weight"));
        }
        assertEquals(25, draws);
        assertEquals(weightSum, r.weightSum(), 1e-9);
        // the same sorted draws walked over the independent p give the same multiplicities
        int[] expected = InverseCdfSampler.multiplicities(h, InverseCdfSampler.draws(25, r.totalMass(), 3L));
        for (Row row : spark.read().parquet(out + "/train").collectAsList()) {
            assertEquals(expected[(int) row.getLong(row.fieldIndex("id"))], row.getInt(row.fieldIndex("multiplicity")));
        }
    }

    @Test
    void leverageOfCollinearColumnsIsAClearError() {
        float[][] xs = new float[10][2];
        float[] ys = new float[10];
        for (int i = 0; i < 10; i++) {
            xs[i][0] = i;
            xs[i][1] = 2 * i + 1; // = 2·x0 + intercept
            ys[i] = i;
        }
        String path = write(dir.resolve("collinear").toString(), xs, ys);
        SelectionSettings s = new SelectionSettings("leverage", null, 5L, null, null, null, null, null, null, 3L,
                null, null, null, null, null);
        BadInputException e = assertThrows(BadInputException.class,
                () -> SensitivitySampling.select(spark, path, dir.resolve("out").toString(), s, null));
        assertTrue(e.getMessage().contains("rank-deficient: feature column 1"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void pilotModelIsTheLeastSquaresFitAndScoresSquaredResiduals() {
        Dataset<Row> records = PreparedDataset.readSplit(spark, table, PreparedDataset.TRAIN);
        LinearDesign design = LinearDesign.of(records, 4, "test");
        // a pilot as large as the table is the full least-squares fit
        LinearRegressionSelectionModel model = LinearRegressionSelectionModel.pilot(records, design, 1000, 1, "t");
        double[] yd = new double[N];
        for (int i = 0; i < N; i++) {
            yd[i] = y[i];
        }
        // independent: normal equations with the Gauss–Jordan inverse
        double[][] a = design();
        double[][] g = new double[4][4];
        double[] aty = new double[4];
        for (int r = 0; r < N; r++) {
            for (int i = 0; i < 4; i++) {
                aty[i] += a[r][i] * yd[r];
                for (int j = 0; j < 4; j++) {
                    g[i][j] += a[r][i] * a[r][j];
                }
            }
        }
        double[][] gi = inverse(g);
        double[] beta = new double[4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                beta[i] += gi[i][j] * aty[j];
            }
        }
        assertArrayEquals(beta, model.beta(), 1e-10);
        double[] l = model.losses(new float[][]{x[3]}, new double[]{y[3]});
        double res = beta[0] + beta[1] * x[3][0] + beta[2] * x[3][1] + beta[3] * x[3][3] - y[3];
        assertEquals(res * res, l[0], 1e-12);
        float[] e = model.embed(new float[][]{x[3]})[0];
        assertEquals(3, e.length);
        assertEquals((x[3][1] - design.mean()[1]) / design.std()[1], e[1], 1e-5);
    }

    @Test
    void duplicateIdsFailNamingTheDatasetAndAnId() throws Exception {
        String copy = dir.resolve("dup").toString();
        Files.createDirectories(dir.resolve("dup"));
        Files.copy(Path.of(table, "manifest.json"), dir.resolve("dup/manifest.json"));
        Dataset<Row> train = PreparedDataset.readSplit(spark, table, PreparedDataset.TRAIN);
        train.union(train.filter("id = 7")).write().mode(SaveMode.ErrorIfExists).parquet(copy + "/train");
        spark.read().parquet(table + "/test").write().parquet(copy + "/test");
        String out = dir.resolve("dup-out").toString();
        for (String method : List.of("uniform", "leverage", "sensitivity")) {
            SelectionSettings s = new SelectionSettings(method, 2, 10L, null, null, null, null, null, false, 3L,
                    null, null, null, null, null);
            BadInputException e = assertThrows(BadInputException.class,
                    () -> SensitivitySampling.select(spark, copy, out, s, null));
            assertTrue(e.getMessage().contains(copy) && e.getMessage().contains("split train")
                    && e.getMessage().contains("duplicate record ids (e.g. id 7 occurs 2 times)"), e.getMessage());
            assertFalse(Files.exists(Path.of(out)));
        }
    }
}

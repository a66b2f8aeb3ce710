package org.sparktrain.data.sampling;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetDescription;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.LabeledFeatures;
import org.sparktrain.data.LocalSpark;
import org.sparktrain.data.PreparedDataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sensitivity sampling end to end on tiny prepared datasets whose clusters, representatives and masses are known by
 * hand; unbiasedness of the weighted estimator over many seeds; determinism; bad settings.
 */
class SensitivitySamplingSparkTest {
    /**
     * Two clusters in 2-D, ids 0..5 in this order: A = (0,0), (1,0), (-1,0) with center (0,0) = record 0;
     * B = (10,10), (10,12), (10,8) with center (10,10) = record 3.
     */
    private static final float[][] TINY = {{0, 0}, {1, 0}, {-1, 0}, {10, 10}, {10, 12}, {10, 8}};
    private static final int[] TINY_LABELS = {0, 0, 1, 1, 1, 0};
    private static SparkSession spark;
    @TempDir
    static Path shared;
    private static String tiny;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("SensitivitySamplingSparkTest");
        tiny = write(shared, "tiny", TINY, TINY_LABELS);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** ℓ(x) = 0.5 + 0.1·(x0 + x1) + label: 0.5 at record 0, 3.5 at record 3; embeds as the identity. */
    static final class LinearLoss implements SelectionModel {
        @Override
        public float[][] embed(float[][] features) {
            return features;
        }

        @Override
        public double[] losses(float[][] features, double[] labels) {
            double[] l = new double[features.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = 0.5 + 0.1 * (features[i][0] + features[i][1]) + labels[i];
            }
            return l;
        }

        @Override
        public String description() {
            return "linear test loss";
        }
    }

    private static String write(Path dir, String name, float[][] x, int[] labels) {
        List<LabeledFeatures> train = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            train.add(new LabeledFeatures(x[i], labels[i]));
        }
        List<LabeledFeatures> test = List.of(new LabeledFeatures(new float[x[0].length], 1));
        String path = dir.resolve(name).toString();
        PreparedDataset.write(spark, path, DatasetDescription.table(name, false, x[0].length).withNumClasses(2),
                train.iterator(), test.iterator());
        return path;
    }

    private static SelectionSettings settings(int k, long m, double lambda, double z, String embedding, long seed) {
        // labelAware false: the spec's label-blind procedure, which the hand values of these tests follow
        return new SelectionSettings("sensitivity", k, m, null, lambda, z, embedding, null, false, seed, null, false,
                null, null, null);
    }

    /** id -> row of the selection's train split. */
    private static Map<Long, Row> rows(String path) {
        Map<Long, Row> out = new TreeMap<>();
        for (Row r : spark.read().parquet(path + "/train").collectAsList()) {
            out.put(r.getLong(r.fieldIndex("id")), r);
        }
        return out;
    }

    /** Multiplicities by an independent walk over the id-ordered masses with the same sorted draws. */
    private static int[] expectedMultiplicities(double[] v, long m, double total, long seed) {
        double[] u = InverseCdfSampler.draws(m, total, seed);
        int[] counts = new int[v.length];
        for (double x : u) {
            double c = 0;
            for (int i = 0; i < v.length; i++) {
                if (x >= c && x < c + v[i]) {
                    counts[i]++;
                    break;
                }
                c += v[i];
            }
        }
        return counts;
    }

    private void checkAgainstHand(String out, SelectionResult result, double[] v, long m, long seed) {
        double z = 0;
        for (double x : v) {
            z += x;
        }
        assertEquals(z, result.totalMass(), 1e-12);
        int[] expected = expectedMultiplicities(v, m, result.totalMass(), seed);
        Map<Long, Row> rows = rows(out);
        long draws = 0;
        for (int i = 0; i < v.length; i++) {
            Row r = rows.get((long) i);
            if (expected[i] == 0) {
                assertTrue(r == null, "record " + i + " was not drawn");
                continue;
            }
            double p = v[i] / z;
            int mult = r.getInt(r.fieldIndex("multiplicity"));
            assertEquals(expected[i], mult, "multiplicity of record " + i);
            assertEquals(p, r.getDouble(r.fieldIndex("probability")), 1e-12, "p of record " + i);
            assertEquals(mult / (m * p), r.getDouble(r.fieldIndex("weight")), 1e-9, "weight of record " + i);
            draws += mult;
        }
        assertEquals(m, draws);
    }

    @Test
    void probabilitiesAndWeightsMatchAHandComputationOnTwoKnownClusters() throws Exception {
        String source = tiny;
        String out = dir.resolve("selected").toString();
        long m = 2000;
        SelectionResult r = SensitivitySampling.select(spark, source, out, settings(2, m, 0.25, 2, "raw", 7),
                new LinearLoss());
        // representatives 0 and 3 with losses 0.5 and 3.5; squared distances 0,1,1 and 0,4,4; λ = 0.25
        assertEquals(2, r.clusters().size());
        Map<Long, Double> repLoss = new HashMap<>();
        r.clusters().forEach(c -> repLoss.put(c.representative(), c.representativeLoss()));
        assertEquals(Map.of(0L, 0.5, 3L, 3.5), repLoss);
        // k-means cost: squared distances to the centers (0,0) and (10,10)
        assertEquals(0 + 1 + 1 + 0 + 4 + 4, r.kmeansCost(), 1e-9);
        double[] v = {0.5, 0.75, 0.75, 3.5, 4.5, 4.5};
        checkAgainstHand(out, r, v, m, 7);
        // frequencies follow p: every multiplicity within 4 standard deviations of m·p
        Map<Long, Row> rows = rows(out);
        for (int i = 0; i < v.length; i++) {
            double p = v[i] / 14.5;
            int mult = rows.get((long) i).getInt(rows.get((long) i).fieldIndex("multiplicity"));
            assertEquals(m * p, mult, 4 * Math.sqrt(m * p * (1 - p)), "record " + i);
        }

        DatasetManifest manifest = PreparedDataset.readManifest(out, spark.sparkContext().hadoopConfiguration());
        assertEquals("tiny-sensitivity", manifest.name());
        assertEquals(6, manifest.split("train").count());
        assertEquals(1, manifest.split("test").count());
        assertEquals("6", manifest.properties().get(SensitivitySampling.POPULATION_SIZE));
        assertEquals("2000", manifest.properties().get("selection.m"));
        assertEquals("0.25", manifest.properties().get("selection.lambda"));
        assertEquals("2", manifest.properties().get("selection.k"));
        assertEquals("7", manifest.properties().get("selection.seed"));
        assertEquals("raw", manifest.properties().get("selection.embedding"));
        assertEquals(1, PreparedDataset.readSplit(spark, out, "test").count());
        assertTrue(Files.exists(dir.resolve("selected").resolve(SensitivitySampling.SUMMARY_FILE)));
    }

    @Test
    void zOneUsesPlainDistancesAndNoModelGivesDistanceOnlySampling() {
        String source = tiny;
        String out = dir.resolve("z1").toString();
        SelectionResult r = SensitivitySampling.select(spark, source, out, settings(2, 500, 0.25, 1, "raw", 3),
                new LinearLoss());
        // distances 0,1,1 and 0,2,2
        checkAgainstHand(out, r, new double[]{0.5, 0.75, 0.75, 3.5, 4.0, 4.0}, 500, 3);

        String noModel = dir.resolve("nomodel").toString();
        SelectionResult d = SensitivitySampling.select(spark, source, noModel, settings(2, 500, 0.25, 2, null, 3),
                null);
        // ℓ̂ ≡ 0: v = λ·dist², the representatives have mass 0 and are never drawn
        checkAgainstHand(noModel, d, new double[]{0, 0.25, 0.25, 0, 1, 1}, 500, 3);
        assertEquals(4, rows(noModel).size());
    }

    @Test
    void uniformSamplingHasProbabilityOneOverN() {
        String source = tiny;
        String out = dir.resolve("uniform").toString();
        SelectionSettings s = new SelectionSettings("uniform", null, 300L, null, null, null, null, null, null, 11L, null, null,
                null, null, null);
        SelectionResult r = SensitivitySampling.select(spark, source, out, s, null);
        assertEquals("uniform", r.method());
        checkAgainstHand(out, r, new double[]{1, 1, 1, 1, 1, 1}, 300, 11);
    }

    @Test
    void sameSeedGivesTheSameSelectionAndAnotherSeedAnotherOne() {
        String source = tiny;
        SelectionSettings s = settings(2, 50, 0.25, 2, "raw", 5);
        SensitivitySampling.select(spark, source, dir.resolve("a").toString(), s, new LinearLoss());
        SensitivitySampling.select(spark, source, dir.resolve("b").toString(), s, new LinearLoss());
        Map<Long, Integer> a = multiplicities(dir.resolve("a").toString());
        assertEquals(a, multiplicities(dir.resolve("b").toString()));
        // another seed draws another multiset of the same masses
        double[] v = {0.5, 0.75, 0.75, 3.5, 4.5, 4.5};
        int[] other = expectedMultiplicities(v, 50, 14.5, 6);
        Map<Long, Integer> b = new TreeMap<>();
        for (int i = 0; i < other.length; i++) {
            if (other[i] > 0) {
                b.put((long) i, other[i]);
            }
        }
        assertNotEquals(a, b);
    }

    private static Map<Long, Integer> multiplicities(String path) {
        Map<Long, Integer> out = new TreeMap<>();
        rows(path).forEach((id, r) -> out.put(id, r.getInt(r.fieldIndex("multiplicity"))));
        return out;
    }

    /**
     * The weighted sample estimate Σ_S w(x)·ℓ(x) is unbiased for L = Σ_x ℓ(x): over R seeds its mean is within
     * 4 standard errors of L, where one estimate's variance is (Σ_x ℓ(x)²/p(x) − L²)/m (m i.i.d. draws). The spread
     * of the estimates matches that variance too (i.i.d. draws with replacement).
     */
    @Test
    void weightedSampleLossIsAnUnbiasedEstimateOfTheFullLoss() {
        int n = 240;
        Random rng = new Random(42);
        float[][] x = new float[n][2];
        int[] labels = new int[n];
        double[][] means = {{0, 0}, {6, 0}, {0, 6}};
        for (int i = 0; i < n; i++) {
            x[i][0] = (float) (means[i % 3][0] + rng.nextGaussian());
            x[i][1] = (float) (means[i % 3][1] + rng.nextGaussian());
            labels[i] = rng.nextInt(2);
        }
        String source = write(dir, "blobs", x, labels);
        SelectionSettings s = settings(3, 30, 0.5, 2, "raw", 1);
        SelectionModel model = new LinearLoss();
        double[] loss = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels[i];
        }
        double[] l = model.losses(x, y);
        double full = 0;
        for (int i = 0; i < n; i++) {
            loss[i] = Math.abs(l[i]); // ℓ >= 0 on this data; abs keeps the check honest if it were not
            full += loss[i];
        }
        Dataset<Row> records = PreparedDataset.readSplit(spark, source, "train");
        SensitivityScores scores = SensitivityScores.compute(records, 3, s, "raw", 2, 2, model);
        try {
            InverseCdfSampler.PartitionMass masses = InverseCdfSampler.masses(scores.scored());
            double total = masses.total();
            double[] p = new double[n];
            scores.scored().collect().forEach(r -> p[(int) r.id()] = r.mass() / total);
            double var = -full * full;
            for (int i = 0; i < n; i++) {
                var += loss[i] * loss[i] / p[i];
            }
            var /= s.m();
            double[] mass = new double[n];
            scores.scored().collect().forEach(r -> mass[(int) r.id()] = r.mass());
            // the distributed sampler draws exactly what the sequential walk over the id-ordered masses draws
            for (long seed = 1; seed <= 3; seed++) {
                int[] expected = InverseCdfSampler.multiplicities(mass, InverseCdfSampler.draws(s.m(), total, seed));
                int[] actual = new int[n];
                for (Row r : SensitivitySampling.drawnRows(spark, scores.scored(), masses, s.m(), seed).collectAsList()) {
                    actual[(int) r.getLong(0)] = r.getInt(2);
                    assertEquals(r.getInt(2) / (s.m() * p[(int) r.getLong(0)]), r.getDouble(1), 1e-9);
                }
                assertArrayEquals(expected, actual, "seed " + seed);
            }
            int seeds = 4000;
            double sum = 0;
            double sumSq = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                int[] mult = InverseCdfSampler.multiplicities(mass, InverseCdfSampler.draws(s.m(), total, seed));
                double estimate = 0;
                for (int i = 0; i < n; i++) {
                    estimate += mult[i] / (s.m() * p[i]) * loss[i];
                }
                sum += estimate;
                sumSq += estimate * estimate;
            }
            double mean = sum / seeds;
            double sampleVar = (sumSq - seeds * mean * mean) / (seeds - 1);
            assertEquals(full, mean, 4 * Math.sqrt(var / seeds), "mean of " + seeds + " estimates vs L = " + full);
            // relative standard error of a sample variance of 4000 values: about sqrt(2/4000) ~ 0.02 (plus kurtosis)
            assertEquals(1.0, sampleVar / var, 0.15, "variance " + sampleVar + " vs " + var);
        } finally {
            scores.release();
        }
    }

    private static SelectionSettings options(int k, long m, Double lambda, Boolean labelAware, Double lambdaQuantile,
                                             Integer calibrationSize, Double uniformMix, long seed) {
        return new SelectionSettings("sensitivity", k, m, null, lambda, 2.0, "raw", null, false, seed, null,
                labelAware, lambdaQuantile, calibrationSize, uniformMix);
    }

    /**
     * Records 0..5: class 0 at (0,0), (1,0), (-1,0) and class 1 at (0,1), (1,1), (-1,1): one spatial blob, two
     * classes. Label-aware, k = 2: the clusters are the classes (the label block is 10·√2 apart), representatives 0
     * and 3 with ℓ = 0.5 and 0.5 + 0.1 + 1 = 1.6, squared distances 0,1,1 and 0,1,1.
     */
    private static final float[][] TWO_CLASSES = {{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {1, 1}, {-1, 1}};
    private static final int[] TWO_CLASS_LABELS = {0, 0, 0, 1, 1, 1};

    @Test
    void labelAwareClusteringCalibratedLambdaAndUniformMixMatchHandValues() throws Exception {
        String source = write(dir, "two-classes", TWO_CLASSES, TWO_CLASS_LABELS);
        long m = 3000;
        String fixed = dir.resolve("label-aware").toString();
        SelectionResult r = SensitivitySampling.select(spark, source, fixed,
                options(2, m, 0.25, true, null, null, null, 4), new LinearLoss());
        Map<Long, Double> repLoss = new HashMap<>();
        r.clusters().forEach(c -> repLoss.put(c.representative(), c.representativeLoss()));
        assertEquals(0.5, repLoss.get(0L), 1e-12);
        assertEquals(1.6, repLoss.get(3L), 1e-6);
        assertEquals(4, r.kmeansCost(), 1e-9); // the label block adds nothing inside single-class clusters
        assertEquals("raw+label", r.embedding());
        checkAgainstHand(fixed, r, new double[]{0.5, 0.75, 0.75, 1.6, 1.85, 1.85}, m, 4);

        // λ calibrated on all 6 records, q = 1: ratios (ℓ − ℓ̂)/d² are 0.1, -0.1 (records 1, 2) and 0.1, -0.1 (4, 5)
        String calibrated = dir.resolve("calibrated").toString();
        SelectionResult c = SensitivitySampling.select(spark, source, calibrated,
                options(2, m, 7.0, true, 1.0, 6, null, 4), new LinearLoss());
        assertEquals(0.1, c.lambda(), 1e-6);
        checkAgainstHand(calibrated, c, new double[]{0.5, 0.6, 0.6, 1.6, 1.7, 1.7}, m, 4);
        assertEquals("1.0", PreparedDataset.readManifest(calibrated, spark.sparkContext().hadoopConfiguration())
                .properties().get("selection.lambdaQuantile"));
        // q = 0.5: the 2nd smallest of the four ratios is -0.1, floored at 0
        assertEquals(0.0, SensitivityScores.quantileLambda(new double[]{0.1, -0.1, 0.1, -0.1}, 0.5));
        assertEquals(0.1, SensitivityScores.quantileLambda(new double[]{0.1, -0.1, 0.1, -0.1}, 0.75));
        assertEquals(0.0, SensitivityScores.quantileLambda(new double[0], 0.9));

        // α = 0.5: v' = 0.5·v + 0.5·Z/n with Z = 6.3 for λ = 0.25 (so p = 0.5·v/Z + 0.5/6)
        String mixed = dir.resolve("mixed").toString();
        SelectionResult x = SensitivitySampling.select(spark, source, mixed,
                options(2, m, 0.25, true, null, null, 0.5, 4), new LinearLoss());
        double[] v = {0.5, 0.75, 0.75, 1.6, 1.85, 1.85};
        double total = 7.3;
        double[] mixedMass = new double[6];
        for (int i = 0; i < 6; i++) {
            mixedMass[i] = 0.5 * v[i] + 0.5 * total / 6;
        }
        checkAgainstHand(mixed, x, mixedMass, m, 4);
        assertTrue(x.weightMax() <= 6.0 / (0.5 * m) * maxMultiplicity(mixed) + 1e-12);
    }

    /**
     * Unset {@code labelAware} is on exactly when the loss depends on a class label: with a model, 2 classes and
     * k = 2 the selection equals the explicit label-aware one (same hand masses as above, λ = 0.25); without a model,
     * or with k = 1 < 2 classes, the clustering is label-blind (and k = 1 is no error, unlike an explicit true).
     */
    @Test
    void unsetLabelAwareIsOnExactlyWhenAModelsLossDependsOnTheLabel() throws Exception {
        SelectionSettings unset = options(2, 10, 1.0, null, null, null, null, 1);
        assertTrue(unset.labelAwareFor(true, 2, 2));
        assertFalse(unset.labelAwareFor(false, 2, 2));
        assertFalse(unset.labelAwareFor(true, 0, 2)); // regression
        assertFalse(unset.labelAwareFor(true, 1, 2)); // one class
        assertFalse(unset.labelAwareFor(true, 3, 2)); // k < classes
        assertFalse(options(2, 10, 1.0, false, null, null, null, 1).labelAwareFor(true, 2, 2));
        assertTrue(options(2, 10, 1.0, true, null, null, null, 1).labelAwareFor(false, 2, 2));

        String source = write(dir, "two-classes-default", TWO_CLASSES, TWO_CLASS_LABELS);
        long m = 3000;
        String auto = dir.resolve("label-aware-default").toString();
        SelectionResult r = SensitivitySampling.select(spark, source, auto,
                options(2, m, 0.25, null, null, null, null, 4), new LinearLoss());
        assertEquals("raw+label", r.embedding());
        checkAgainstHand(auto, r, new double[]{0.5, 0.75, 0.75, 1.6, 1.85, 1.85}, m, 4);
        assertEquals("true", PreparedDataset.readManifest(auto, spark.sparkContext().hadoopConfiguration())
                .properties().get("selection.labelAware"));

        String noModel = dir.resolve("label-blind-without-model").toString();
        SelectionResult d = SensitivitySampling.select(spark, source, noModel,
                options(2, m, 0.25, null, null, null, null, 4), null);
        assertEquals("raw", d.embedding());
        assertEquals("false", PreparedDataset.readManifest(noModel, spark.sparkContext().hadoopConfiguration())
                .properties().get("selection.labelAware"));

        String oneCluster = dir.resolve("label-blind-one-cluster").toString();
        SelectionResult one = SensitivitySampling.select(spark, source, oneCluster,
                options(1, m, 0.25, null, null, null, null, 4), new LinearLoss());
        assertEquals("raw", one.embedding());
        assertEquals(1, one.clusters().size());
        // k = 1 (which MLlib's KMeans refuses): the center is the mean (0, 0.5), Σ‖e − mean‖² = 4·1.25 + 2·0.25 = 5.5,
        // and the nearest records 0 and 3 (both 0.25) tie, broken by the smaller id
        assertEquals(5.5, one.kmeansCost(), 1e-9);
        assertEquals(0L, one.clusters().get(0).representative());
    }

    /**
     * Unset {@code lambda}: calibrated at q = 0.9 when a model's loss depends on a class label, else 1; an explicit
     * lambda or lambdaQuantile wins; resolving twice changes nothing. On the two-class records with the label-aware
     * default, the default calibration (all 6 records, ratios 0.1, −0.1, 0.1, −0.1 at positive distance: the
     * ⌈0.9·4⌉ = 4th smallest) gives λ = 0.1 and the hand masses of the q = 1 case above.
     */
    @Test
    void unsetLambdaIsCalibratedForAClassifiersLoss() throws Exception {
        SelectionSettings unset = options(2, 10, null, null, null, null, null, 1);
        SelectionSettings classifier = unset.resolvedFor(true, 2, 2);
        assertEquals(0.9, classifier.lambdaQuantile());
        assertEquals(1.0, classifier.lambda());
        assertEquals(true, classifier.labelAware());
        assertEquals(classifier, classifier.resolvedFor(true, 2, 2));
        assertNull(unset.resolvedFor(false, 2, 2).lambdaQuantile()); // no model: nothing to calibrate with
        assertEquals(1.0, unset.resolvedFor(false, 2, 2).lambda());
        assertNull(unset.resolvedFor(true, 0, 2).lambdaQuantile()); // regression and text: λ = 1
        assertNull(options(2, 10, 3.0, null, null, null, null, 1).resolvedFor(true, 2, 2).lambdaQuantile());
        assertEquals(0.5, options(2, 10, null, null, 0.5, null, null, 1).resolvedFor(true, 2, 2).lambdaQuantile());

        String source = write(dir, "two-classes-default-lambda", TWO_CLASSES, TWO_CLASS_LABELS);
        long m = 3000;
        String out = dir.resolve("default-lambda").toString();
        SelectionResult c = SensitivitySampling.select(spark, source, out,
                options(2, m, null, null, null, null, null, 4), new LinearLoss());
        assertEquals(0.1, c.lambda(), 1e-6);
        assertEquals("raw+label", c.embedding());
        checkAgainstHand(out, c, new double[]{0.5, 0.6, 0.6, 1.6, 1.7, 1.7}, m, 4);
        var props = PreparedDataset.readManifest(out, spark.sparkContext().hadoopConfiguration()).properties();
        assertEquals("0.9", props.get("selection.lambdaQuantile"));
        assertEquals("1000", props.get("selection.calibrationSize"));
    }

    private static int maxMultiplicity(String path) {
        return multiplicities(path).values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /**
     * A clustered dataset where the loss depends on the label and the labels are mixed inside each spatial blob:
     * 3 blobs x 100 records, random labels 0/1, ℓ = 0.5 + 0.1·(x0 + x1) + label. The exact variance of the weighted
     * mean estimate, (Σ ℓ²/p − L²)/m (i.i.d. draws), with label-aware clusters (k = 6: each cluster one class of one
     * blob) is well below uniform sampling's and below label-blind clusters' (k = 3); the label-aware estimator with
     * calibrated λ and a uniform mix is unbiased (mean of 4000 seeds within 4 standard errors of L).
     */
    @Test
    void labelAwareSensitivityBeatsUniformOnMixedLabelClustersAndStaysUnbiased() {
        int n = 300;
        Random rng = new Random(9);
        float[][] x = new float[n][2];
        int[] labels = new int[n];
        double[][] means = {{0, 0}, {6, 0}, {0, 6}};
        for (int i = 0; i < n; i++) {
            x[i][0] = (float) (means[i % 3][0] + 0.7 * rng.nextGaussian());
            x[i][1] = (float) (means[i % 3][1] + 0.7 * rng.nextGaussian());
            labels[i] = rng.nextInt(2);
        }
        String source = write(dir, "mixed-blobs", x, labels);
        SelectionModel model = new LinearLoss();
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels[i];
        }
        double[] loss = model.losses(x, y);
        double full = 0;
        double sumSq = 0;
        for (double l : loss) {
            full += l;
            sumSq += l * l;
        }
        long m = 30;
        double uniform = (n * sumSq - full * full) / m;
        Dataset<Row> records = PreparedDataset.readSplit(spark, source, "train");
        double blind = exactVariance(records, 3, options(3, m, 0.1, false, null, null, null, 1), model, loss, full);
        double aware = exactVariance(records, 6, options(6, m, 0.1, true, null, null, null, 1), model, loss, full);
        assertTrue(aware < 0.1 * uniform, "label-aware variance " + aware + " vs uniform " + uniform);
        assertTrue(aware < 0.2 * blind, "label-aware variance " + aware + " vs label-blind " + blind);

        SelectionSettings s = options(6, m, 1.0, true, 0.9, 100, 0.2, 1);
        SensitivityScores scores = SensitivityScores.compute(records, 6, s, "raw", 2, 2, model);
        try {
            double[] mass = new double[n];
            scores.scored().collect().forEach(r -> mass[(int) r.id()] = r.mass());
            double total = InverseCdfSampler.masses(scores.scored()).total();
            double var = -full * full;
            for (int i = 0; i < n; i++) {
                assertTrue(mass[i] / total >= 0.2 / n - 1e-15, "uniform mix floor at record " + i);
                var += loss[i] * loss[i] / (mass[i] / total);
            }
            var /= m;
            assertTrue(var < 0.5 * uniform, "calibrated + mixed variance " + var + " vs uniform " + uniform);
            int seeds = 4000;
            double sum = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                int[] mult = InverseCdfSampler.multiplicities(mass, InverseCdfSampler.draws(m, total, seed));
                double estimate = 0;
                for (int i = 0; i < n; i++) {
                    estimate += mult[i] * total / (m * mass[i]) * loss[i];
                }
                sum += estimate;
            }
            assertEquals(full, sum / seeds, 4 * Math.sqrt(var / seeds), "mean of " + seeds + " estimates");
        } finally {
            scores.release();
        }
    }

    /** (Σ ℓ²/p − L²)/m for the masses of a selection setting. */
    private static double exactVariance(Dataset<Row> records, int k, SelectionSettings s, SelectionModel model,
                                        double[] loss, double full) {
        SensitivityScores scores = SensitivityScores.compute(records, k, s, "raw", 2, 2, model);
        try {
            double total = InverseCdfSampler.masses(scores.scored()).total();
            double[] sum = {-full * full};
            scores.scored().collect().forEach(r -> sum[0] += loss[(int) r.id()] * loss[(int) r.id()]
                    / (r.mass() / total));
            return sum[0] / s.m();
        } finally {
            scores.release();
        }
    }

    @Test
    void badSettingsFailWithClearMessages() {
        IllegalArgumentException m0 = assertThrows(IllegalArgumentException.class, () -> settings(2, 0, 1, 2, "raw", 1));
        assertEquals("m: must be positive, got 0", m0.getMessage());
        assertThrows(IllegalArgumentException.class, () -> settings(2, -3, 1, 2, "raw", 1));
        IllegalArgumentException noM = assertThrows(IllegalArgumentException.class,
                () -> new SelectionSettings(null, 2, null, null, null, null, null, null, null, null, null, null,
                        null, null, null));
        assertTrue(noM.getMessage().startsWith("m: is required"), noM.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings(2, 5, -1, 2, "raw", 1))
                .getMessage().startsWith("lambda:"));

        String source = tiny;
        BadInputException k = assertThrows(BadInputException.class, () -> SensitivitySampling.select(spark, source,
                dir.resolve("k").toString(), settings(7, 5, 1, 2, "raw", 1), null));
        assertTrue(k.getMessage().startsWith("selection.k: 7 clusters for only 6 records (k must be <= n) in "),
                k.getMessage());
        assertTrue(Files.notExists(dir.resolve("k")));

        BadInputException missing = assertThrows(BadInputException.class, () -> SensitivitySampling.select(spark,
                dir.resolve("nothing-here").toString(), dir.resolve("x").toString(), settings(2, 5, 1, 2, "raw", 1),
                null));
        assertTrue(missing.getMessage().contains("nothing-here has no manifest.json"), missing.getMessage());

        BadInputException noModel = assertThrows(BadInputException.class, () -> SensitivitySampling.select(spark,
                source, dir.resolve("y").toString(), settings(2, 5, 1, 2, "model", 1), null));
        assertTrue(noModel.getMessage().startsWith("selection.embedding: 'model' needs a trained model"),
                noModel.getMessage());

        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(2, 5, 1.0, false, 0.0, null, null, 1))
                .getMessage().startsWith("lambdaQuantile: must be in (0, 1]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(2, 5, 1.0, false, null, null, 1.0, 1))
                .getMessage().startsWith("uniformMix: must be in [0, 1)"));
        BadInputException fewK = assertThrows(BadInputException.class, () -> SensitivitySampling.select(spark,
                source, dir.resolve("z").toString(), options(1, 5, 1.0, true, null, null, null, 1), null));
        assertTrue(fewK.getMessage().startsWith("selection.labelAware: k = 1 clusters cannot separate the 2 classes"),
                fewK.getMessage());
        BadInputException calibrateWithoutModel = assertThrows(BadInputException.class, () -> SensitivitySampling
                .select(spark, source, dir.resolve("w").toString(), options(2, 5, 1.0, false, 0.9, null, null, 1), null));
        assertTrue(calibrateWithoutModel.getMessage().startsWith("selection.lambdaQuantile: calibrating λ needs a model"),
                calibrateWithoutModel.getMessage());
        assertTrue(Files.notExists(dir.resolve("z")) && Files.notExists(dir.resolve("w")));
    }
}

package org.sparktrain.jobs.select;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.testing.CliRun;
import org.sparktrain.testing.IdxFiles;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.zoo.ClassifierModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * {@code prepare -> train-classifier -> select (model loss + model embedding) -> train-classifier on the weighted
 * selection} through the CLI, with the selection's masses checked against an independent computation of the MLP's
 * penultimate layer and cross-entropy; bad selection configs exit 2 naming the key.
 */
@ExtendWith(SharedSpark.class)
class SelectJobSparkTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void data(SparkSession spark) throws IOException {
        IdxFiles.write(dir.resolve("idx"), 120, 40, 6, 3, 1);
        CliRun p = cli("prepare", "--set", "source=idx", "--set", "dir=" + dir.resolve("idx"), "--set", "name=stripes",
                "--set", "output=" + dir.resolve("data"));
        assertEquals(0, p.code(), p.err());
    }

    /** ReLU(x·W0 + b0), the hidden layer of a one-hidden-layer MLP, from DL4J's parameter table by hand. */
    static double[] hidden(MultiLayerNetwork net, float[] x) {
        INDArray w = net.getParam("0_W");
        INDArray b = net.getParam("0_b");
        double[] h = new double[(int) w.size(1)];
        for (int j = 0; j < h.length; j++) {
            double s = b.getDouble(0, j);
            for (int i = 0; i < x.length; i++) {
                s += x[i] * w.getDouble(i, j);
            }
            h[j] = Math.max(0, s);
        }
        return h;
    }

    @Test
    void selectWithAModelThenTrainOnTheWeightedSelection(SparkSession spark) throws Exception {
        CliRun t = cli("train-classifier", "--run-id", "base", "--set", "output=" + dir.resolve("runs"),
                "--set", "data.dataset=" + dir.resolve("data"), "--set", "model.type=mlp", "--set", "model.hidden=[8]",
                "--set", "engine.workers=1", "--set", "engine.epochs=1", "--set", "engine.batchSize=20");
        assertEquals(0, t.code(), t.err());

        double lambda = 0.5;
        CliRun s = cli("select", "--run-id", "sel", "--set", "data.dataset=" + dir.resolve("data"),
                "--set", "model=" + dir.resolve("runs/base"), "--set", "output=" + dir.resolve("selected"),
                "--set", "selection.k=4", "--set", "selection.m=60", "--set", "selection.lambda=" + lambda,
                "--set", "selection.embedding=model", "--set", "selection.normalize=false", "--set", "selection.seed=3");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("sensitivity selection of"), s.out());

        DatasetManifest manifest = PreparedDataset.readManifest(dir.resolve("selected").toString(),
                spark.sparkContext().hadoopConfiguration());
        assertEquals("120", manifest.properties().get("selection.populationSize"));
        // labelAware unset: on by default with a classifier (k = 4 >= the class count), so every cluster is one class
        assertEquals("model+label", manifest.properties().get("selection.embedding"));
        assertEquals("true", manifest.properties().get("selection.labelAware"));
        assertTrue(manifest.properties().get("selection.model").startsWith("mlp [8] classifier at "));
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("selected/selection.json").toFile());
        double total = summary.get("totalMass").asDouble();

        // independent computation: rep losses −ln softmax(x)_y and masses L_c + λ‖h(x) − h(rep_c)‖²
        ClassifierModel model = ClassifierModel.load(dir.resolve("runs/base/model"));
        Map<Long, Row> all = new HashMap<>();
        for (Row r : PreparedDataset.readSplit(spark, dir.resolve("data").toString(), "train").collectAsList()) {
            all.put(r.getLong(0), r);
        }
        Map<Integer, Long> rep = new HashMap<>();
        Map<Integer, Double> repLoss = new HashMap<>();
        for (JsonNode c : summary.get("clusters")) {
            Row r = all.get(c.get("representative").asLong());
            float[] x = features(r);
            double ce = -Math.log(model.probabilities(x)[r.getInt(2)]);
            assertEquals(ce, c.get("representativeLoss").asDouble(), 1e-5, "loss at representative " + r.getLong(0));
            rep.put(c.get("cluster").asInt(), r.getLong(0));
            repLoss.put(c.get("cluster").asInt(), ce);
        }
        List<Row> selected = spark.read().parquet(dir.resolve("selected/train").toString()).collectAsList();
        long draws = 0;
        for (Row r : selected) {
            int cluster = r.getInt(r.fieldIndex("cluster"));
            double[] h = hidden(model.network(), features(r));
            double[] hr = hidden(model.network(), features(all.get(rep.get(cluster))));
            assertEquals(all.get(rep.get(cluster)).getInt(2), r.getInt(r.fieldIndex("label")),
                    "record " + r.getLong(0) + " shares its cluster with a record of another class");
            double sq = 0;
            for (int j = 0; j < h.length; j++) {
                sq += (h[j] - hr[j]) * (h[j] - hr[j]);
            }
            double v = repLoss.get(cluster) + lambda * sq;
            double p = r.getDouble(r.fieldIndex("probability"));
            // float32 network activations vs this double recomputation: agreement to 0.5% (measured 0.18%)
            assertEquals(v / total, p, 5e-3 * p, "p of record " + r.getLong(0));
            int mult = r.getInt(r.fieldIndex("multiplicity"));
            assertEquals(mult / (60 * p), r.getDouble(r.fieldIndex("weight")), 1e-9);
            draws += mult;
        }
        assertEquals(60, draws);

        // train on the selection (weighted), validating on the full dataset's test split
        CliRun w = cli("train-classifier", "--run-id", "weighted", "--set", "output=" + dir.resolve("runs"),
                "--set", "data.dataset=" + dir.resolve("data"), "--set", "data.selection=" + dir.resolve("selected"),
                "--set", "model.type=mlp", "--set", "model.hidden=[8]", "--set", "engine.workers=1",
                "--set", "engine.epochs=1", "--set", "engine.batchSize=10");
        assertEquals(0, w.code(), w.err());
        assertTrue(w.out().contains("weighted loss: column weight x " + String.format(java.util.Locale.ROOT, "%.6g",
                selected.size() / 120.0)), w.out());
        JsonNode card = new ObjectMapper().readTree(dir.resolve("runs/weighted/model/model-card.json").toFile());
        assertTrue(card.at("/data/weights").asText().startsWith("selection weights x R/n = " + selected.size() + "/120"),
                card.toString());
    }

    /** Margin sampling selects the m records of smallest p_(1) − p_(2), recomputed here from the network's output. */
    @Test
    void marginSelectionTakesTheSmallestMarginsByAnIndependentComputation(SparkSession spark) throws Exception {
        CliRun t = cli("train-classifier", "--run-id", "mbase", "--set", "output=" + dir.resolve("runs"),
                "--set", "data.dataset=" + dir.resolve("data"), "--set", "model.type=mlp", "--set", "model.hidden=[8]",
                "--set", "engine.workers=1", "--set", "engine.epochs=1", "--set", "engine.batchSize=20");
        assertEquals(0, t.code(), t.err());
        CliRun s = cli("select", "--run-id", "msel", "--set", "data.dataset=" + dir.resolve("data"),
                "--set", "model=" + dir.resolve("runs/mbase"), "--set", "output=" + dir.resolve("margin"),
                "--set", "selection.method=margin", "--set", "selection.m=30");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("margin selection of"), s.out());

        ClassifierModel model = ClassifierModel.load(dir.resolve("runs/mbase/model"));
        List<double[]> marginAndId = new java.util.ArrayList<>();
        for (Row r : PreparedDataset.readSplit(spark, dir.resolve("data").toString(), "train").collectAsList()) {
            float[] p = model.probabilities(features(r)).clone();
            java.util.Arrays.sort(p);
            marginAndId.add(new double[]{p[p.length - 1] - p[p.length - 2], r.getLong(0)});
        }
        marginAndId.sort(java.util.Comparator.<double[]>comparingDouble(a -> a[0]).thenComparingDouble(a -> a[1]));
        java.util.Set<Long> expected = new java.util.TreeSet<>();
        for (int i = 0; i < 30; i++) {
            expected.add((long) marginAndId.get(i)[1]);
        }
        // the 30th and 31st margins must differ, or the expected set is not determined by the float margins
        assertTrue(marginAndId.get(30)[0] - marginAndId.get(29)[0] > 1e-6, "tie at the cut");
        java.util.Set<Long> got = new java.util.TreeSet<>();
        for (Row r : spark.read().parquet(dir.resolve("margin/train").toString()).collectAsList()) {
            got.add(r.getLong(0));
            assertEquals(4.0, r.getDouble(r.fieldIndex("weight")), 1e-12, "weight n/m of record " + r.getLong(0));
            assertEquals(1, r.getInt(r.fieldIndex("multiplicity")));
        }
        assertEquals(expected, got);
        DatasetManifest manifest = PreparedDataset.readManifest(dir.resolve("margin").toString(),
                spark.sparkContext().hadoopConfiguration());
        assertEquals("margin", manifest.properties().get("selection.method"));
        assertEquals("120.0", manifest.properties().get("selection.weightSum"));
    }

    /**
     * {@code selection.method: kcenter} through the CLI without a model (raw unit-norm pixels): 12 distinct records;
     * each weight is its Voronoi cell size and the manifest's covering radius is the largest distance from a record
     * to its nearest selected record, both recomputed here in double from the Parquet rows; m > n exits 2 naming
     * selection.m and writes nothing.
     */
    @Test
    void kcenterSelectionCellSizesAndRadiusByAnIndependentComputation(SparkSession spark) throws Exception {
        CliRun s = cli("select", "--run-id", "ksel", "--set", "data.dataset=" + dir.resolve("data"),
                "--set", "output=" + dir.resolve("kcenter"), "--set", "selection.method=kcenter",
                "--set", "selection.m=12", "--set", "selection.seed=5");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("kcenter selection of"), s.out());

        List<Row> all = PreparedDataset.readSplit(spark, dir.resolve("data").toString(), "train").collectAsList();
        List<Row> selected = spark.read().parquet(dir.resolve("kcenter/train").toString()).collectAsList();
        assertEquals(12, selected.size());
        double[][] centers = new double[12][];
        long[] centerIds = new long[12];
        for (Row r : selected) {
            int j = r.getInt(r.fieldIndex("cluster"));
            centers[j] = unit(features(r));
            centerIds[j] = r.getLong(0);
        }
        long[] cell = new long[12];
        double radius = 0;
        for (Row r : all) {
            double[] e = unit(features(r));
            int nearest = 0;
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < 12; j++) {
                double sq = 0;
                for (int t = 0; t < e.length; t++) {
                    sq += (e[t] - centers[j][t]) * (e[t] - centers[j][t]);
                }
                if (sq < best) {
                    best = sq;
                    nearest = j;
                }
            }
            cell[nearest]++;
            radius = Math.max(radius, Math.sqrt(best));
        }
        double weightSum = 0;
        for (Row r : selected) {
            int j = r.getInt(r.fieldIndex("cluster"));
            assertEquals(cell[j], r.getDouble(r.fieldIndex("weight")), 0, "cell size of center " + j);
            assertEquals(1, r.getInt(r.fieldIndex("multiplicity")));
            weightSum += r.getDouble(r.fieldIndex("weight"));
        }
        assertEquals(120.0, weightSum, 0);
        assertEquals(12, java.util.Arrays.stream(centerIds).distinct().count());
        DatasetManifest manifest = PreparedDataset.readManifest(dir.resolve("kcenter").toString(),
                spark.sparkContext().hadoopConfiguration());
        assertEquals("kcenter", manifest.properties().get("selection.method"));
        assertEquals(radius, Double.parseDouble(manifest.properties().get("selection.kcenter.radius")), 1e-6);
        assertTrue(radius > 0);

        CliRun tooMany = cli("select", "--set", "data.dataset=" + dir.resolve("data"), "--set",
                "output=" + dir.resolve("kcenter-121"), "--set", "selection.method=kcenter", "--set", "selection.m=121");
        assertEquals(2, tooMany.code());
        assertTrue(tooMany.err().contains("selection.m: k-center greedy selects distinct records, so m = 121 must be "
                + "at most n = 120"), tooMany.err());
        assertFalse(Files.exists(dir.resolve("kcenter-121")));
    }

    /** x / ‖x‖ in double (a zero vector stays zero), as Spark MLlib's Normalizer. */
    private static double[] unit(float[] x) {
        double norm = 0;
        for (float v : x) {
            norm += (double) v * v;
        }
        norm = Math.sqrt(norm);
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            e[i] = norm == 0 ? 0 : x[i] / norm;
        }
        return e;
    }

    /**
     * {@code selection.method: leverage} on a FANN regression table through the CLI: p = h_ii / d checked against the
     * closed form h_ii = 1/n + (x_i − x̄)ᵀ S⁻¹ (x_i − x̄) (S the centred scatter matrix of the two varying inputs; the
     * constant third input is dropped); then the same table with a duplicated id fails with exit 2 naming it.
     */
    @Test
    void leverageSelectionOfARegressionTableAndDuplicateIds(SparkSession spark) throws Exception {
        int n = 30;
        StringBuilder fann = new StringBuilder(n + " 3 1\n");
        java.util.Random rng = new java.util.Random(11);
        for (int i = 0; i < n; i++) {
            double a = rng.nextGaussian();
            double b = i == 4 ? 6.0 : rng.nextGaussian();
            fann.append(String.format(java.util.Locale.ROOT, "%.6f %.6f 0.5%n%.6f%n", a, b, 1 + a - 0.5 * b
                    + 0.1 * rng.nextGaussian()));
        }
        Files.writeString(dir.resolve("reg.train"), fann.toString());
        CliRun p = cli("prepare", "--set", "source=fann", "--set", "table.train=" + dir.resolve("reg.train"),
                "--set", "output=" + dir.resolve("reg"));
        assertEquals(0, p.code(), p.err());
        CliRun s = cli("select", "--run-id", "lev", "--set", "data.dataset=" + dir.resolve("reg"),
                "--set", "output=" + dir.resolve("reg-lev"), "--set", "selection.method=leverage",
                "--set", "selection.m=20", "--set", "selection.seed=5");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("leverage selection of"), s.out());

        List<Row> rows = PreparedDataset.readSplit(spark, dir.resolve("reg").toString(), "train").collectAsList();
        Map<Long, double[]> x = new HashMap<>();
        double[] mean = new double[2];
        for (Row r : rows) {
            float[] f = features(r);
            x.put(r.getLong(0), new double[]{f[0], f[1]});
            mean[0] += f[0] / (double) n;
            mean[1] += f[1] / (double) n;
        }
        double s00 = 0;
        double s01 = 0;
        double s11 = 0;
        for (double[] v : x.values()) {
            s00 += (v[0] - mean[0]) * (v[0] - mean[0]);
            s01 += (v[0] - mean[0]) * (v[1] - mean[1]);
            s11 += (v[1] - mean[1]) * (v[1] - mean[1]);
        }
        double det = s00 * s11 - s01 * s01;
        long draws = 0;
        for (Row r : spark.read().parquet(dir.resolve("reg-lev/train").toString()).collectAsList()) {
            double[] v = x.get(r.getLong(0));
            double d0 = v[0] - mean[0];
            double d1 = v[1] - mean[1];
            double h = 1.0 / n + (d0 * d0 * s11 - 2 * d0 * d1 * s01 + d1 * d1 * s00) / det;
            double prob = r.getDouble(r.fieldIndex("probability"));
            assertEquals(h / 3, prob, 1e-9 * prob, "p of record " + r.getLong(0));
            assertEquals(r.getInt(r.fieldIndex("multiplicity")) / (20 * prob), r.getDouble(r.fieldIndex("weight")),
                    1e-9);
            draws += r.getInt(r.fieldIndex("multiplicity"));
        }
        assertEquals(20, draws);
        DatasetManifest manifest = PreparedDataset.readManifest(dir.resolve("reg-lev").toString(),
                spark.sparkContext().hadoopConfiguration());
        assertEquals("leverage", manifest.properties().get("selection.method"));
        assertEquals(3.0, Double.parseDouble(manifest.properties().get("selection.totalMass")), 1e-9);

        // a copy of the table whose train split holds record 3 twice
        Path dup = dir.resolve("reg-dup");
        Files.createDirectories(dup);
        Files.copy(dir.resolve("reg/manifest.json"), dup.resolve("manifest.json"));
        org.apache.spark.sql.Dataset<Row> train = PreparedDataset.readSplit(spark, dir.resolve("reg").toString(),
                "train");
        train.union(train.filter("id = 3")).write().parquet(dup.resolve("train").toString());
        for (String method : List.of("leverage", "uniform")) {
            CliRun bad = cli("select", "--set", "data.dataset=" + dup, "--set", "output=" + dir.resolve("dup-out"),
                    "--set", "selection.method=" + method, "--set", "selection.m=10");
            assertEquals(2, bad.code(), bad.err());
            assertTrue(bad.err().contains("prepared dataset " + dup + ": split train has duplicate record ids (e.g. id 3 "
                    + "occurs 2 times)"), bad.err());
            assertFalse(Files.exists(dir.resolve("dup-out")));
        }
    }

    /**
     * The embedding of a batch does not depend on other threads embedding at the same time: two instances (as two
     * Spark tasks on one executor hold them) embed all records concurrently, repeatedly, and every result equals the
     * single-threaded one bit for bit.
     */
    @Test
    void concurrentEmbeddingsEqualTheSingleThreadedOnes(SparkSession spark) throws Exception {
        CliRun t = cli("train-classifier", "--run-id", "conc", "--set", "output=" + dir.resolve("runs"),
                "--set", "data.dataset=" + dir.resolve("data"), "--set", "model.type=mlp", "--set", "model.hidden=[8]",
                "--set", "engine.workers=1", "--set", "engine.epochs=1", "--set", "engine.batchSize=20");
        assertEquals(0, t.code(), t.err());
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<Row> rows = PreparedDataset.readSplit(spark, dir.resolve("data").toString(), "train").collectAsList();
        float[][] x = new float[rows.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = features(rows.get(i));
        }
        float[][] reference = ClassifierSelectionModel.load(dir.resolve("runs/conc").toString(), conf).embed(x);
        ClassifierSelectionModel a = ClassifierSelectionModel.load(dir.resolve("runs/conc").toString(), conf);
        ClassifierSelectionModel b = ClassifierSelectionModel.load(dir.resolve("runs/conc").toString(), conf);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        int mismatches = 0;
        try {
            for (int rep = 0; rep < 200; rep++) {
                java.util.concurrent.Future<float[][]> fa = pool.submit(() -> a.embed(x));
                java.util.concurrent.Future<float[][]> fb = pool.submit(() -> b.embed(x));
                for (float[][] e : List.of(fa.get(), fb.get())) {
                    for (int i = 0; i < x.length; i++) {
                        if (!java.util.Arrays.equals(reference[i], e[i])) {
                            mismatches++;
                        }
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, mismatches, "rows embedded differently under concurrency");
    }

    private static float[] features(Row r) {
        List<Object> f = r.getList(1);
        float[] x = new float[f.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((Number) f.get(i)).floatValue();
        }
        return x;
    }

    @Test
    void badSelectionConfigsExitTwoNamingTheKey() {
        CliRun m0 = cli("select", "--set", "data.dataset=" + dir.resolve("data"), "--set", "output=" + dir.resolve("o1"),
                "--set", "selection.m=0");
        assertEquals(2, m0.code());
        assertTrue(m0.err().contains("selection.m: must be positive, got 0"), m0.err());

        CliRun k = cli("select", "--set", "data.dataset=" + dir.resolve("data"), "--set", "output=" + dir.resolve("o2"),
                "--set", "selection.m=10", "--set", "selection.k=500");
        assertEquals(2, k.code());
        assertTrue(k.err().contains("selection.k: 500 clusters for only 120 records"), k.err());

        CliRun missing = cli("select", "--set", "data.dataset=" + dir.resolve("nope"), "--set",
                "output=" + dir.resolve("o3"), "--set", "selection.m=10");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains(dir.resolve("nope") + " has no manifest.json"), missing.err());

        CliRun noModel = cli("select", "--set", "data.dataset=" + dir.resolve("data"), "--set",
                "output=" + dir.resolve("o4"), "--set", "selection.m=10", "--set", "model=" + dir.resolve("no-run"));
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains("model: no trained classifier in " + dir.resolve("no-run")), noModel.err());
        CliRun marginNoModel = cli("select", "--set", "data.dataset=" + dir.resolve("data"), "--set",
                "output=" + dir.resolve("o5"), "--set", "selection.m=10", "--set", "selection.method=margin");
        assertEquals(2, marginNoModel.code());
        assertTrue(marginNoModel.err().contains("selection.method: margin sampling ranks records"), marginNoModel.err());
        for (String o : List.of("o1", "o2", "o3", "o4", "o5")) {
            assertFalse(Files.exists(dir.resolve(o)), o);
        }
    }
}

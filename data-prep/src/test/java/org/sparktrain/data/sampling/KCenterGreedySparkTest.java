package org.sparktrain.data.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * k-center greedy ({@link KCenterGreedy}, {@code selection.method: kcenter}): a hand-computed farthest-first
 * traversal of 8 points in 2-D over 3 partitions (order, ties, cell sizes, radius), equality with a plain
 * single-machine implementation on 500 random points in 5-D over 4 partitions (also across the lineage truncation),
 * the selection written through {@link SensitivitySampling#select}, and m > n.
 */
class KCenterGreedySparkTest {
    /**
     * ids 0..7. With seed 9 the first center is rank 4 of 8 = record 4 (5,5). Squared distances to it: 50 for
     * records 0 and 2 (a tie: record 0 wins), 41 for 1, 3 and 5, 25 for 7, 2 for 6. Then (0,0): record 1 drops to 1,
     * record 7 stays at 25 (equidistant, keeps center 4). Then record 2 (50): record 3 drops to 1, record 7 is again
     * at 25 from the new center and keeps center 4. Then record 5 (41). Radius after 4 centers: 5 (record 7).
     * Cells: {4, 6, 7}, {0, 1}, {2, 3}, {5}. Continuing: 7 (25), then 6 (2), then the tie of records 1 and 3 at 1
     * (record 1 first), then 3.
     */
    private static final double[][] TINY = {{0, 0}, {1, 0}, {10, 0}, {10, 1}, {5, 5}, {0, 9}, {4, 4}, {5, 0}};
    private static final long TINY_SEED = 9;
    private static final StructType EMBEDDED = new StructType()
            .add(PreparedDataset.ID, DataTypes.LongType, false)
            .add(RecordEmbedding.EMBEDDING, SQLDataTypes.VectorType(), false);
    private static SparkSession spark;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("KCenterGreedySparkTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** (id, embedding) rows spread over {@code partitions} partitions. */
    private static Dataset<Row> embedded(long[] ids, double[][] x, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            rows.add(RowFactory.create(ids[i], Vectors.dense(x[i])));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Dataset<Row> d = spark.createDataFrame(jsc.parallelize(rows, partitions), EMBEDDED);
        assertEquals(partitions, d.rdd().getNumPartitions());
        return d;
    }

    private static long[] range(int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return ids;
    }

    @Test
    void tinyFarthestFirstTraversalMatchesTheHandComputation() {
        assertEquals(4, new SplittableRandom(TINY_SEED).nextLong(8), "first center rank for seed 9");
        Dataset<Row> e = embedded(range(8), TINY, 3);

        KCenterGreedy.Centers four = KCenterGreedy.centers(e, 4, TINY_SEED);
        assertArrayEquals(new long[]{4, 0, 2, 5}, four.ids());
        assertArrayEquals(new long[]{3, 2, 2, 1}, four.cellSizes());
        assertEquals(5.0, four.radius(), 1e-15);
        assertEquals(8, four.n());

        KCenterGreedy.Centers six = KCenterGreedy.centers(e, 6, TINY_SEED);
        assertArrayEquals(new long[]{4, 0, 2, 5, 7, 6}, six.ids());
        assertArrayEquals(new long[]{1, 2, 2, 1, 1, 1}, six.cellSizes());
        assertEquals(1.0, six.radius(), 1e-15);

        KCenterGreedy.Centers all = KCenterGreedy.centers(e, 8, TINY_SEED);
        assertArrayEquals(new long[]{4, 0, 2, 5, 7, 6, 1, 3}, all.ids());
        assertArrayEquals(new long[]{1, 1, 1, 1, 1, 1, 1, 1}, all.cellSizes());
        assertEquals(0.0, all.radius());

        // another seed, another first center: rank 1 of 8 for seed 1; then the farthest from (1,0) are (10,1) and
        // (0,9), both at √82: the tie goes to the smaller id, 3
        assertEquals(1, new SplittableRandom(1).nextLong(8));
        assertArrayEquals(new long[]{1, 3}, KCenterGreedy.centers(e, 2, 1).ids());
    }

    @Test
    void selectionWritesCellSizeWeightsOrderAndRadius() throws Exception {
        List<LabeledFeatures> train = new ArrayList<>();
        for (int i = 0; i < TINY.length; i++) {
            train.add(new LabeledFeatures(new float[]{(float) TINY[i][0], (float) TINY[i][1]}, i % 2));
        }
        String source = dir.resolve("tiny").toString();
        PreparedDataset.write(spark, source, DatasetDescription.table("tiny", false, 2).withNumClasses(2),
                train.iterator(), List.of(new LabeledFeatures(new float[2], 1)).iterator());
        String out = dir.resolve("kc").toString();
        SelectionSettings s = new SelectionSettings("kcenter", null, 4L, null, null, null, "raw", null, false,
                TINY_SEED, null, null, null, null, null);
        SelectionResult r = SensitivitySampling.select(spark, source, out, s, null);

        assertEquals(5.0, r.coveringRadius(), 1e-15);
        assertEquals(8, r.populationSize());
        assertEquals(4, r.rows());
        assertEquals(8.0, r.weightSum(), 0);
        assertEquals(1.0, r.weightMin(), 0);
        assertEquals(3.0, r.weightMax(), 0);
        Map<Long, Row> rows = new TreeMap<>();
        for (Row row : spark.read().parquet(out + "/train").collectAsList()) {
            rows.put(row.getLong(row.fieldIndex("id")), row);
        }
        assertEquals(List.of(0L, 2L, 4L, 5L), new ArrayList<>(rows.keySet()));
        long[] order = {4, 0, 2, 5};
        double[] size = {3, 2, 2, 1};
        for (int j = 0; j < 4; j++) {
            Row row = rows.get(order[j]);
            assertEquals(size[j], row.getDouble(row.fieldIndex("weight")), 0, "weight of " + order[j]);
            assertEquals(1, row.getInt(row.fieldIndex("multiplicity")));
            assertEquals(size[j] / 8, row.getDouble(row.fieldIndex("probability")), 1e-15);
            assertEquals(j, row.getInt(row.fieldIndex("cluster")), "order of " + order[j]);
            List<Object> f = row.getList(row.fieldIndex("features"));
            assertEquals(TINY[(int) order[j]][0], ((Number) f.get(0)).doubleValue(), 0);
            assertEquals((int) order[j] % 2, ((Number) row.get(row.fieldIndex("label"))).intValue());
        }
        DatasetManifest manifest = PreparedDataset.readManifest(out, spark.sparkContext().hadoopConfiguration());
        assertEquals("kcenter", manifest.properties().get("selection.method"));
        assertEquals("5.0", manifest.properties().get(SensitivitySampling.COVERING_RADIUS));
        assertEquals("8", manifest.properties().get(SensitivitySampling.POPULATION_SIZE));
        assertEquals("8.0", manifest.properties().get("selection.weightSum"));
        assertEquals("raw", manifest.properties().get("selection.embedding"));
        assertTrue(manifest.splits().containsKey(PreparedDataset.TEST));
        JsonNode summary = new ObjectMapper().readTree(Path.of(out, SensitivitySampling.SUMMARY_FILE).toFile());
        assertEquals(5.0, summary.get("coveringRadius").asDouble(), 0);

        // other methods do not write a radius
        String uni = dir.resolve("uni").toString();
        SensitivitySampling.select(spark, source, uni, s.withMethod("uniform"), null);
        assertFalse(PreparedDataset.readManifest(uni, spark.sparkContext().hadoopConfiguration()).properties()
                .containsKey(SensitivitySampling.COVERING_RADIUS));
        assertFalse(new ObjectMapper().readTree(Path.of(uni, SensitivitySampling.SUMMARY_FILE).toFile())
                .has("coveringRadius"));

        // m > n names selection.m and writes nothing
        String big = dir.resolve("big").toString();
        SelectionSettings nine = new SelectionSettings("kcenter", null, 9L, null, null, null, "raw", null, false,
                TINY_SEED, null, null, null, null, null);
        BadInputException e = assertThrows(BadInputException.class,
                () -> SensitivitySampling.select(spark, source, big, nine, null));
        assertTrue(e.getMessage().startsWith("selection.m: k-center greedy selects distinct records, so m = 9 must be "
                + "at most n = 8"), e.getMessage());
        assertFalse(Files.exists(Path.of(big)));
        IllegalArgumentException direct = assertThrows(IllegalArgumentException.class,
                () -> KCenterGreedy.centers(embedded(range(8), TINY, 2), 9, 1));
        assertTrue(direct.getMessage().startsWith("m: k-center greedy selects distinct records"), direct.getMessage());
    }

    /** Farthest-first traversal with plain loops on the driver: the reference. */
    private static KCenterGreedy.Centers reference(long[] ids, double[][] x, int m, long seed) {
        int n = x.length;
        Integer[] byId = new Integer[n];
        for (int i = 0; i < n; i++) {
            byId[i] = i;
        }
        Arrays.sort(byId, (a, b) -> Long.compare(ids[a], ids[b]));
        int first = byId[(int) new SplittableRandom(seed).nextLong(n)];
        double[] best = new double[n];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        int[] cell = new int[n];
        boolean[] chosen = new boolean[n];
        long[] order = new long[m];
        int c = first;
        double radiusSq = 0;
        for (int j = 0; j < m; j++) {
            order[j] = ids[c];
            chosen[c] = true;
            best[c] = 0;
            cell[c] = j;
            for (int i = 0; i < n; i++) {
                if (i == c) {
                    continue;
                }
                double sq = 0;
                for (int t = 0; t < x[i].length; t++) {
                    double d = x[i][t] - x[c][t];
                    sq += d * d;
                }
                if (sq < best[i]) {
                    best[i] = sq;
                    cell[i] = j;
                }
            }
            int far = -1;
            for (int i = 0; i < n; i++) {
                if (!chosen[i] && (far < 0 || best[i] > best[far] || (best[i] == best[far] && ids[i] < ids[far]))) {
                    far = i;
                }
            }
            radiusSq = far < 0 ? 0 : best[far];
            c = far;
        }
        long[] sizes = new long[m];
        for (int i = 0; i < n; i++) {
            sizes[cell[i]]++;
        }
        return new KCenterGreedy.Centers(order, sizes, Math.sqrt(radiusSq), n);
    }

    @Test
    void equalsAPlainSingleMachineImplementationOnRandomPoints() {
        Random rng = new Random(20181);
        int n = 500;
        double[][] x = new double[n][5];
        for (double[] row : x) {
            for (int t = 0; t < row.length; t++) {
                row[t] = rng.nextGaussian();
            }
        }
        // ids not in row order and not contiguous: the first center is picked by rank in id order
        List<Long> shuffled = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            shuffled.add(7L + 3L * i);
        }
        java.util.Collections.shuffle(shuffled, new Random(5));
        long[] ids = shuffled.stream().mapToLong(Long::longValue).toArray();
        Dataset<Row> e = embedded(ids, x, 4);

        for (long seed : new long[]{3, 17}) {
            KCenterGreedy.Centers want = reference(ids, x, 40, seed);
            KCenterGreedy.Centers got = KCenterGreedy.centers(e, 40, seed);
            assertArrayEquals(want.ids(), got.ids(), "seed " + seed);
            assertArrayEquals(want.cellSizes(), got.cellSizes(), "seed " + seed);
            assertEquals(want.radius(), got.radius(), 1e-9);
            assertEquals(n, Arrays.stream(got.cellSizes()).sum());
            assertTrue(got.radius() > 0.5 && got.radius() < 5, "radius " + got.radius());
        }
        // 130 steps cross two lineage truncations (every 50 steps)
        KCenterGreedy.Centers want = reference(ids, x, 130, 3);
        KCenterGreedy.Centers got = KCenterGreedy.centers(e, 130, 3);
        assertArrayEquals(want.ids(), got.ids());
        assertArrayEquals(want.cellSizes(), got.cellSizes());
        assertEquals(want.radius(), got.radius(), 1e-9);
        assertTrue(got.radius() < reference(ids, x, 40, 3).radius(), "more centers, smaller radius");
    }
}

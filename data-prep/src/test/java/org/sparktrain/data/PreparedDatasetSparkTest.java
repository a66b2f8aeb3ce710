package org.sparktrain.data;

import org.apache.hadoop.conf.Configuration;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreparedDatasetSparkTest {
    private static final List<Integer> SHAPE = List.of(2, 2, 3);
    private static SparkSession spark;
    private static Configuration conf;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("PreparedDatasetSparkTest");
        conf = spark.sparkContext().hadoopConfiguration();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Record {@code id}: features (id*31 + j) % 97 / 97, label id*id % 5 (uneven classes 0, 1, 4). */
    static LabeledFeatures record(long id, int version) {
        float[] f = new float[12];
        for (int j = 0; j < 12; j++) {
            f[j] = ((id * 31 + j + version) % 97) / 97f;
        }
        return new LabeledFeatures(f, (int) (id * id % 5));
    }

    static Iterator<LabeledFeatures> records(long firstId, int n, int version) {
        List<LabeledFeatures> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(record(firstId + i, version));
        }
        return out.iterator();
    }

    static DatasetDescription description() {
        return new DatasetDescription("toy", DatasetManifest.IMAGE_CLASSIFICATION, SHAPE, null, null,
                List.of(new DatasetManifest.Source("file:/in/a", 3, "abc")), 2, "test-tool 1.0");
    }

    @Test
    void writeThenReadRoundTripsCountsHistogramsIdsAndFeatures() {
        String out = dir.resolve("toy").toString();
        // 400 bytes per chunk = 8 records of 12 floats: the 25 + 7 records span 4 + 1 Spark writes
        DatasetManifest m = PreparedDataset.write(spark, out, description(), records(0, 25, 0), records(25, 7, 0), 400);

        // ids 0..24 (train) and 25..31 (test); labels i*i % 5 -> train 0..24: {0:5, 1:10, 4:10}
        assertEquals(List.of(5L, 10L, 0L, 0L, 10L), m.split("train").classHistogram());
        // ids 25..31: squares mod 5 are 0, 1, 4, 4, 1, 0, 1
        assertEquals(List.of(2L, 3L, 0L, 0L, 2L), m.split("test").classHistogram());
        assertEquals(25, m.split("train").count());
        assertEquals(7, m.split("test").count());
        assertEquals(5, m.numClasses());
        assertEquals(SHAPE, m.featureShape());
        assertEquals(2, m.skipped());
        assertEquals("test-tool 1.0", m.createdBy());
        assertNotNull(Instant.parse(m.createdAt()));
        assertEquals(m, PreparedDataset.readManifest(out, conf));

        assertSplit(out, PreparedDataset.TRAIN, 0, 25, 0);
        assertSplit(out, PreparedDataset.TEST, 25, 7, 0);
        assertTrue(Files.isRegularFile(dir.resolve("toy/manifest.json")));
        assertTrue(listNames(dir.resolve("toy/train")).stream().anyMatch(n -> n.matches("part-.*\\.parquet")));
        assertNoTemporaries(dir);
    }

    @Test
    void emptyTestSplitIsReadableWithItsSchema() {
        String out = dir.resolve("only-train").toString();
        DatasetManifest m = PreparedDataset.write(spark, out, description().withNumClasses(6), records(0, 3, 0),
                Collections.emptyIterator());
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L), m.split("test").classHistogram());
        assertEquals(List.of(1L, 1L, 0L, 0L, 1L, 0L), m.split("train").classHistogram());
        assertEquals(0, PreparedDataset.readSplit(spark, out, "test").count());
    }

    @Test
    void rewriteReplacesThePreviousVersion() {
        String out = dir.resolve("v").toString();
        PreparedDataset.write(spark, out, description(), records(0, 4, 0), records(4, 2, 0));
        PreparedDataset.write(spark, out, description(), records(0, 5, 1), records(5, 3, 1));
        assertSplit(out, "train", 0, 5, 1);
        assertSplit(out, "test", 5, 3, 1);
        assertNoTemporaries(dir);
    }

    @Test
    void badRecordMidStreamKeepsThePreviousVersionIntact() throws IOException {
        String out = dir.resolve("keep").toString();
        DatasetManifest v1 = PreparedDataset.write(spark, out, description(), records(0, 6, 0), records(6, 2, 0));
        String manifestBefore = Files.readString(dir.resolve("keep/manifest.json"));

        List<LabeledFeatures> bad = new ArrayList<>();
        records(0, 20, 1).forEachRemaining(bad::add);
        bad.get(13).features()[5] = Float.NaN; // after the first chunk of 8 records was written
        BadInputException e = assertThrows(BadInputException.class, () ->
                PreparedDataset.write(spark, out, description(), bad.iterator(), records(20, 2, 1), 400));
        assertTrue(e.getMessage().contains("split train record 13 (id 13): feature 5 is NaN"), e.getMessage());

        assertEquals(manifestBefore, Files.readString(dir.resolve("keep/manifest.json")));
        assertEquals(v1, PreparedDataset.readManifest(out, conf));
        assertSplit(out, "train", 0, 6, 0);
        assertNoTemporaries(dir);
    }

    @Test
    void failingInputOnFirstWriteLeavesNothing() {
        Path target = dir.resolve("never");
        Iterator<LabeledFeatures> failing = new Iterator<>() {
            int n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public LabeledFeatures next() {
                if (n == 7) {
                    throw new BadInputException("input.bin record 7 is corrupt");
                }
                return record(n++, 0);
            }
        };
        BadInputException e = assertThrows(BadInputException.class, () ->
                PreparedDataset.write(spark, target.toString(), description(), records(0, 3, 0), failing, 200));
        assertTrue(e.getMessage().contains("input.bin record 7"), e.getMessage());
        assertFalse(Files.exists(target));
        assertNoTemporaries(dir);
    }

    @Test
    void wrongFeatureLengthAndBadLabelsAreRejected() {
        Iterator<LabeledFeatures> shortRecord = List.of(new LabeledFeatures(new float[11], 0)).iterator();
        BadInputException e = assertThrows(BadInputException.class, () -> PreparedDataset.write(spark,
                dir.resolve("a").toString(), description(), shortRecord, Collections.emptyIterator()));
        assertTrue(e.getMessage().contains("record 0 (id 0): 11 features, expected 12"), e.getMessage());

        Iterator<LabeledFeatures> tooHigh = List.of(new LabeledFeatures(new float[12], 3)).iterator();
        e = assertThrows(BadInputException.class, () -> PreparedDataset.write(spark, dir.resolve("b").toString(),
                description().withNumClasses(3), Collections.emptyIterator(), tooHigh));
        assertTrue(e.getMessage().contains("split test record 0 (id 0): label 3 is not below numClasses 3"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("a")) || Files.exists(dir.resolve("b")));
        assertNoTemporaries(dir);
    }

    @Test
    void outputUnderARegularFileIsRejectedBeforeReading() throws IOException {
        Path blocker = Files.writeString(dir.resolve("blocker"), "a regular file");
        for (String out : new String[] {blocker.resolve("out").toString(), blocker.resolve("a/b/out").toString()}) {
            BadInputException e = assertThrows(BadInputException.class, () ->
                    PreparedDataset.write(spark, out, description(), records(0, 2, 0), records(2, 1, 0)));
            assertTrue(e.getMessage().contains(out) && e.getMessage().contains("blocker"), e.getMessage());
        }
        assertEquals("a regular file", Files.readString(blocker));
        assertEquals(List.of("blocker"), listNames(dir));
    }

    @Test
    void readSplitValidatesColumnsAndSplits() throws IOException {
        String good = dir.resolve("good").toString();
        PreparedDataset.write(spark, good, description(), records(0, 3, 0), records(3, 1, 0));

        // same manifest, but a train split whose Parquet lacks 'features' and has label as bigint
        Path fake = dir.resolve("fake");
        Files.createDirectories(fake);
        Files.copy(dir.resolve("good/manifest.json"), fake.resolve("manifest.json"));
        StructType noFeatures = new StructType().add("id", DataTypes.LongType).add("pixels",
                DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.IntegerType);
        spark.createDataFrame(List.of(RowFactory.create(0L, new float[] {1f}, 1)), noFeatures)
                .write().parquet(fake.resolve("train").toString());
        BadInputException e = assertThrows(BadInputException.class,
                () -> PreparedDataset.readSplit(spark, fake.toString(), "train"));
        assertTrue(e.getMessage().contains(fake.resolve("train").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("lacks column 'features' (expected array<float>)"), e.getMessage());

        StructType longLabel = new StructType().add("id", DataTypes.LongType).add("features",
                DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.LongType);
        spark.createDataFrame(List.of(RowFactory.create(0L, new float[] {1f}, 1L)), longLabel)
                .write().parquet(fake.resolve("test").toString());
        e = assertThrows(BadInputException.class, () -> PreparedDataset.readSplit(spark, fake.toString(), "test"));
        assertTrue(e.getMessage().contains("column 'label' has type bigint, expected int"), e.getMessage());

        e = assertThrows(BadInputException.class, () -> PreparedDataset.readSplit(spark, good, "valid"));
        assertTrue(e.getMessage().contains(good) && e.getMessage().contains("no split 'valid'"), e.getMessage());

        String missing = dir.resolve("missing").toString();
        e = assertThrows(BadInputException.class, () -> PreparedDataset.readSplit(spark, missing, "train"));
        assertTrue(e.getMessage().contains(missing) && e.getMessage().contains("has no manifest.json"), e.getMessage());

        Files.writeString(fake.resolve("manifest.json"), "{\"format\": \"other/9\"}");
        e = assertThrows(BadInputException.class, () -> PreparedDataset.readManifest(fake.toString(), conf));
        assertTrue(e.getMessage().contains("manifest.json") && e.getMessage().contains("format: unsupported 'other/9'"),
                e.getMessage());
    }

    /** Every row of the split: ids firstId.. in order, features and label equal to {@link #record}. */
    private static void assertSplit(String out, String split, long firstId, int count, int version) {
        Dataset<Row> df = PreparedDataset.readSplit(spark, out, split);
        List<Row> rows = df.orderBy("id").collectAsList();
        assertEquals(count, rows.size());
        for (int i = 0; i < count; i++) {
            Row row = rows.get(i);
            long id = row.getLong(row.fieldIndex("id"));
            assertEquals(firstId + i, id);
            LabeledFeatures expected = record(id, version);
            List<Float> features = row.getList(row.fieldIndex("features"));
            float[] actual = new float[features.size()];
            for (int j = 0; j < actual.length; j++) {
                actual[j] = features.get(j);
            }
            assertArrayEquals(expected.features(), actual, "features of id " + id);
            assertEquals(expected.label(), row.getInt(row.fieldIndex("label")));
        }
    }

    static List<String> listNames(Path directory) {
        try (Stream<Path> s = Files.list(directory)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void assertNoTemporaries(Path directory) {
        List<String> names = listNames(directory);
        assertTrue(names.stream().noneMatch(n -> n.contains(".tmp-") || n.contains(".old-")), "left behind: " + names);
    }
}

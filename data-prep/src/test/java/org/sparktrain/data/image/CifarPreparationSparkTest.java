package org.sparktrain.data.image;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.LocalSpark;
import org.sparktrain.data.PreparedDataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DataUnavailableException;
import java.nio.file.Files;
import java.util.Arrays;

/** CIFAR-10 and CIFAR-100 folders in the official binary layout, prepared end to end and read back from Parquet. */
class CifarPreparationSparkTest {
    private static SparkSession spark;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("CifarPreparationSparkTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static List<Row> split(String out, String split) {
        return PreparedDataset.readSplit(spark, out, split).orderBy("id").collectAsList();
    }

    static float[] features(Row row) {
        List<Float> f = row.getList(row.fieldIndex("features"));
        float[] a = new float[f.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = f.get(i);
        }
        return a;
    }

    static float[] scaled(int seed, int r) {
        float[] f = new float[3072];
        for (int i = 0; i < 3072; i++) {
            f[i] = CifarFiles.pixel(seed, r, i) / 255f;
        }
        return f;
    }

    @Test
    void cifar10FolderBecomesThirteenScaledImagesInFileOrder() {
        CifarFiles.cifar10Folder(dir);
        String out = dir.resolve("prepared").toString();
        // the parent of cifar-10-batches-bin is accepted as well as the folder itself
        DatasetManifest m = new CifarPreparation(CifarFormat.CIFAR10, dir.toString(), false, null,
                BadRecords.failFast()).prepare(spark, out);

        assertEquals("cifar10", m.name());
        assertEquals(DatasetManifest.IMAGE_CLASSIFICATION, m.kind());
        assertEquals(List.of(3, 32, 32), m.featureShape());
        assertEquals(10, m.numClasses());
        assertEquals(List.of(CifarFiles.NAMES10), m.classNames());
        assertEquals(List.of(1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L), m.split("train").classHistogram());
        assertEquals(List.of(1L, 0L, 0L, 0L, 0L, 1L, 0L, 0L, 0L, 1L), m.split("test").classHistogram());
        assertEquals(7, m.sources().size()); // names file, 5 train batches, test batch
        assertEquals(0, m.skipped());

        List<Row> train = split(out, "train");
        assertEquals(10, train.size());
        for (int b = 1; b <= 5; b++) {
            for (int r = 0; r < 2; r++) {
                Row row = train.get(2 * (b - 1) + r);
                assertEquals(2L * (b - 1) + r, row.getLong(0));
                assertEquals((2 * b + r) % 10, row.getInt(2));
                assertArrayEquals(scaled(b, r), features(row));
            }
        }
        List<Row> test = split(out, "test");
        assertEquals(List.of(10L, 11L, 12L), test.stream().map(r -> r.getLong(0)).toList());
        assertEquals(List.of(9, 0, 5), test.stream().map(r -> r.getInt(2)).toList());
        assertArrayEquals(scaled(6, 2), features(test.get(2)));
    }

    @Test
    void cifar100UsesFineLabelsOrCoarseLabelsWithTheirNames() {
        Path root = dir.resolve("cifar-100-binary");
        CifarFiles.write(root.resolve("train.bin"), CifarFiles.batch100(1, new int[] {0, 19, 3, 3},
                new int[] {99, 0, 12, 13}));
        CifarFiles.write(root.resolve("test.bin"), CifarFiles.batch100(2, new int[] {5}, new int[] {42}));
        List<String> fine = IntStream.range(0, 100).mapToObj(i -> "fine" + i).toList();
        List<String> coarse = IntStream.range(0, 20).mapToObj(i -> "coarse" + i).toList();
        CifarFiles.write(root.resolve("fine_label_names.txt"), (String.join("\n", fine) + "\n").getBytes());
        CifarFiles.write(root.resolve("coarse_label_names.txt"), (String.join("\n", coarse) + "\n").getBytes());

        String outFine = dir.resolve("fine").toString();
        DatasetManifest f = new CifarPreparation(CifarFormat.CIFAR100, root.toString(), false, null,
                BadRecords.failFast()).prepare(spark, outFine);
        assertEquals(100, f.numClasses());
        assertEquals(fine, f.classNames());
        assertEquals("fine", f.properties().get("labels"));
        List<Integer> labels = new ArrayList<>();
        split(outFine, "train").forEach(r -> labels.add(r.getInt(2)));
        split(outFine, "test").forEach(r -> labels.add(r.getInt(2)));
        assertEquals(List.of(99, 0, 12, 13, 42), labels);
        assertArrayEquals(scaled(1, 3), features(split(outFine, "train").get(3)));

        String outCoarse = dir.resolve("coarse").toString();
        DatasetManifest c = new CifarPreparation(CifarFormat.CIFAR100, root.toString(), true, "c100-coarse",
                BadRecords.failFast()).prepare(spark, outCoarse);
        assertEquals(20, c.numClasses());
        assertEquals(coarse, c.classNames());
        assertEquals(List.of(1L, 0L, 0L, 2L), c.split("train").classHistogram().subList(0, 4));
        assertEquals(1L, c.split("train").classHistogram().get(19));
        assertEquals(1L, c.split("test").classHistogram().get(5));
    }

    /** Whether anything but {@code keep} exists in {@code dir} (a partial output or a temporary directory). */
    static List<String> leftovers(Path dir, String... keep) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !Arrays.asList(keep).contains(n)).toList();
        }
    }

    @Test
    void truncatedTestBatchFailsWithoutOutputOrIsSkippedIntoTheManifest() throws Exception {
        Path root = CifarFiles.cifar10Folder(dir);
        byte[] test = CifarFiles.batch10(6, 9, 0, 5);
        Files.delete(root.resolve("test_batch.bin.gz"));
        CifarFiles.write(root.resolve("test_batch.bin"), Arrays.copyOf(test, test.length - 1));
        String out = dir.resolve("prepared").toString();

        BadInputException e = assertThrows(BadInputException.class, () -> new CifarPreparation(CifarFormat.CIFAR10,
                root.toString(), false, null, BadRecords.failFast()).prepare(spark, out));
        assertTrue(e.getMessage().contains("test_batch.bin record 2: truncated CIFAR record"), e.getMessage());
        assertEquals(List.of(), leftovers(dir, "cifar-10-batches-bin"), "no partial output, no temporary files");

        DatasetManifest m = new CifarPreparation(CifarFormat.CIFAR10, root.toString(), false, null,
                new BadRecords(10)).prepare(spark, out);
        assertEquals(10, m.split("train").count());
        assertEquals(2, m.split("test").count());
        assertEquals(1, m.skipped());
        assertEquals(1, m.skipReport().count(BadRecords.TRUNCATED_RECORD));
        assertTrue(m.skipReport().examples().get(0).location().endsWith("test_batch.bin record 2"));
        assertEquals(List.of(9, 0), split(out, "test").stream().map(r -> r.getInt(2)).toList());
    }

    @Test
    void missingBatchFailsBeforeReading() {
        Path root = CifarFiles.cifar10Folder(dir);
        root.resolve("data_batch_4.bin").toFile().delete();
        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> new CifarPreparation(
                CifarFormat.CIFAR10, root.toString(), false, null, BadRecords.failFast()).inputs(
                spark.sparkContext().hadoopConfiguration()));
        assertTrue(e.getMessage().contains("lacks [data_batch_4.bin[.gz]]"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("prepared")));
    }
}

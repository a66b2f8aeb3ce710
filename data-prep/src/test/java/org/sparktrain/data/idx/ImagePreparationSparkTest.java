package org.sparktrain.data.idx;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.LocalSpark;
import org.sparktrain.data.PreparedDataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.data.idx.IdxTestFiles.gzip;
import static org.sparktrain.data.idx.IdxTestFiles.hadoop;
import static org.sparktrain.data.idx.IdxTestFiles.imagesBytes;
import static org.sparktrain.data.idx.IdxTestFiles.labelsBytes;
import static org.sparktrain.data.idx.IdxTestFiles.write;

class ImagePreparationSparkTest {
    private static SparkSession spark;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ImagePreparationSparkTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** 12 train images (raw files) and 5 test images (gzipped) of 3x4 pixels, labels 0..5. */
    private IdxDatasetFiles smallDataset(Random random, byte[][] train, int[] trainLabels, byte[][] test, int[] testLabels) {
        Path in = dir.resolve("in");
        return new IdxDatasetFiles("tiny",
                hadoop(write(in.resolve("train-images-idx3-ubyte"), imagesBytes(train, 3, 4))),
                hadoop(write(in.resolve("train-labels-idx1-ubyte"), labelsBytes(trainLabels))),
                hadoop(write(in.resolve("t10k-images-idx3-ubyte.gz"), gzip(imagesBytes(test, 3, 4)))),
                hadoop(write(in.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labelsBytes(testLabels)))),
                null);
    }

    @Test
    void preparesIdxWithScaledPixelsHistogramsAndSourceChecksums() throws Exception {
        Random random = new Random(3);
        byte[][] train = IdxTestFiles.randomImages(random, 12, 3, 4);
        byte[][] test = IdxTestFiles.randomImages(random, 5, 3, 4);
        int[] trainLabels = {0, 1, 2, 5, 5, 5, 1, 0, 2, 2, 2, 1};
        int[] testLabels = {5, 4, 4, 0, 1};
        IdxDatasetFiles files = smallDataset(random, train, trainLabels, test, testLabels);
        String out = dir.resolve("prepared").toString();

        DatasetManifest m = ImagePreparation.prepare(spark, out, files);

        assertEquals("tiny", m.name());
        assertEquals(DatasetManifest.IMAGE_CLASSIFICATION, m.kind());
        assertEquals(List.of(1, 3, 4), m.featureShape());
        assertEquals(6, m.numClasses()); // max label 5 + 1
        assertEquals(List.of(2L, 3L, 4L, 0L, 0L, 3L), m.split("train").classHistogram());
        assertEquals(List.of(1L, 1L, 0L, 0L, 2L, 1L), m.split("test").classHistogram());
        assertTrue(m.createdBy().startsWith("sparktrain-data-prep/ImagePreparation "), m.createdBy());
        assertEquals(4, m.sources().size());
        for (int i = 0; i < 4; i++) {
            Path local = Path.of(files.files().get(i).toUri());
            DatasetManifest.Source s = m.sources().get(i);
            assertEquals(files.files().get(i).toString(), s.path());
            assertEquals(Files.size(local), s.bytes());
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(local)));
            assertEquals(sha, s.sha256());
        }

        assertRows(out, "train", 0, train, trainLabels);
        assertRows(out, "test", 12, test, testLabels);
    }

    @Test
    void truncatedImagesFileKeepsPreviousVersionAndLeavesNoTemporaries() throws IOException {
        Random random = new Random(4);
        byte[][] train = IdxTestFiles.randomImages(random, 12, 3, 4);
        byte[][] test = IdxTestFiles.randomImages(random, 5, 3, 4);
        int[] trainLabels = IdxTestFiles.randomLabels(random, 12, 3);
        int[] testLabels = IdxTestFiles.randomLabels(random, 5, 3);
        IdxDatasetFiles files = smallDataset(random, train, trainLabels, test, testLabels);
        String out = dir.resolve("prepared").toString();
        DatasetManifest v1 = ImagePreparation.prepare(spark, out, files);

        // the train images file now ends after 8 whole images and 5 bytes of the 9th
        Path images = Path.of(files.trainImages().toUri());
        byte[] full = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(full, 16 + 8 * 12 + 5));
        BadInputException e = assertThrows(BadInputException.class, () -> ImagePreparation.prepare(spark, out, files));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("data ended in record 8 (0-based) of the 12 records"), e.getMessage());

        assertEquals(v1, PreparedDataset.readManifest(out, spark.sparkContext().hadoopConfiguration()));
        assertEquals(12, PreparedDataset.readSplit(spark, out, "train").count());
        assertNoTemporaries(dir);
    }

    @Test
    void countMismatchNamesBothFilesAndWritesNothing() throws IOException {
        Random random = new Random(5);
        IdxDatasetFiles files = smallDataset(random, IdxTestFiles.randomImages(random, 4, 3, 4), new int[] {1, 2, 3},
                IdxTestFiles.randomImages(random, 2, 3, 4), new int[] {1, 2});
        Path out = dir.resolve("prepared");
        BadInputException e = assertThrows(BadInputException.class,
                () -> ImagePreparation.prepare(spark, out.toString(), files));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte declares 4 records"), e.getMessage());
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte declares 3"), e.getMessage());
        assertFalse(Files.exists(out));
        assertNoTemporaries(dir);
    }

    @Test
    void labelBeyondClassNamesNamesLabelsFileAndRecord() throws IOException {
        Random random = new Random(6);
        IdxDatasetFiles files = smallDataset(random, IdxTestFiles.randomImages(random, 4, 3, 4), new int[] {0, 1, 2, 1},
                IdxTestFiles.randomImages(random, 3, 3, 4), new int[] {1, 0, 7});
        IdxDatasetFiles named = new IdxDatasetFiles(files.name(), files.trainImages(), files.trainLabels(),
                files.testImages(), files.testLabels(), List.of("a", "b", "c"));
        Path out = dir.resolve("prepared");
        BadInputException e = assertThrows(BadInputException.class,
                () -> ImagePreparation.prepare(spark, out.toString(), named));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz record 2: label 7 is not below numClasses 3"),
                e.getMessage());
        assertFalse(Files.exists(out));
        assertNoTemporaries(dir);
    }

    @Test
    void missingInputFileIsNamed() {
        IdxDatasetFiles files = new IdxDatasetFiles("gone", hadoop(dir.resolve("nope-images")),
                hadoop(dir.resolve("nope-labels")), hadoop(dir.resolve("a")), hadoop(dir.resolve("b")), null);
        BadInputException e = assertThrows(BadInputException.class,
                () -> ImagePreparation.prepare(spark, dir.resolve("out").toString(), files));
        assertTrue(e.getMessage().contains("nope-images") && e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    /** Ids from {@code firstId} in file order; every feature equals pixel / 255f exactly. */
    private static void assertRows(String out, String split, long firstId, byte[][] images, int[] labels) {
        List<Row> rows = PreparedDataset.readSplit(spark, out, split).orderBy("id").collectAsList();
        assertEquals(images.length, rows.size());
        for (int i = 0; i < images.length; i++) {
            Row row = rows.get(i);
            assertEquals(firstId + i, row.getLong(0));
            assertEquals(labels[i], row.getInt(2));
            List<Float> f = row.getList(1);
            assertEquals(12, f.size());
            for (int p = 0; p < 12; p++) {
                assertEquals((images[i][p] & 0xff) / 255f, f.get(p), 0f, split + " image " + i + " pixel " + p);
            }
        }
        List<Float> first = rows.get(0).getList(1);
        assertEquals(0f, first.get(0), 0f); // pixel 0 of image 0 is 0
        assertEquals(1f, first.get(1), 0f); // and pixel 1 is 255
    }

    private static void assertNoTemporaries(Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            List<String> names = s.map(p -> p.getFileName().toString()).collect(Collectors.toList());
            assertTrue(names.stream().noneMatch(n -> n.contains(".tmp-") || n.contains(".old-")), "left: " + names);
        }
    }
}

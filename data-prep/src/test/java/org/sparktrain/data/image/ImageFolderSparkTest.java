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

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.SkipReport;
import java.util.Arrays;
import java.util.Map;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * ImageNet-style folders of PNG and JPEG files written with {@code javax.imageio}, prepared end to end: the
 * class-index map, split folders, ids in layout order and pixel values (exact for lossless PNG; for JPEG equal to
 * an independent {@code ImageIO.read} of the same file).
 */
class ImageFolderSparkTest {
    static SparkSession spark;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ImageFolderSparkTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** A 6x6 RGB image whose pixel (x, y) is (seed + 10x, 5y, 255 - seed). */
    static BufferedImage image(int seed) {
        BufferedImage img = new BufferedImage(6, 6, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                img.setRGB(x, y, (((seed + 10 * x) & 0xff) << 16) | ((5 * y) << 8) | (255 - seed));
            }
        }
        return img;
    }

    static Path write(Path file, BufferedImage img, String format) {
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** C, H, W features of an image as it is, / 255. */
    static float[] expected(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] f = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                f[y * w + x] = ((p >> 16) & 0xff) / 255f;
                f[w * h + y * w + x] = ((p >> 8) & 0xff) / 255f;
                f[2 * w * h + y * w + x] = (p & 0xff) / 255f;
            }
        }
        return f;
    }

    static List<Row> split(String out, String split) {
        return PreparedDataset.readSplit(spark, out, split).orderBy("id").collectAsList();
    }

    static float[] features(Row row) {
        return CifarPreparationSparkTest.features(row);
    }

    @Test
    void trainAndValFoldersWithPngAndJpeg() throws IOException {
        Path root = dir.resolve("pets");
        write(root.resolve("train/dog/b.png"), image(1), "png");
        write(root.resolve("train/dog/a.png"), image(2), "png");
        write(root.resolve("train/cat/x.PNG"), image(3), "png");
        Path jpeg = write(root.resolve("train/cat/y.jpg"), image(4), "jpg");
        write(root.resolve("val/dog/v.png"), image(5), "png");
        Files.writeString(root.resolve(".DS_Store"), "ignored: hidden");
        String out = dir.resolve("prepared").toString();

        DatasetManifest m = new ImageFolderPreparation(root.toString(), null, 6, 6, false, 2, BadRecords.failFast())
                .prepare(spark, out);

        assertEquals("pets", m.name());
        assertEquals(List.of("cat", "dog"), m.classNames()); // the class-index map: sorted folder names
        assertEquals(List.of(3, 6, 6), m.featureShape());
        assertEquals(List.of(2L, 2L), m.split("train").classHistogram());
        assertEquals(List.of(0L, 1L), m.split("test").classHistogram());
        assertEquals("train/ + val/", m.properties().get("layout"));
        assertEquals("6", m.properties().get("imageSize"));
        assertEquals(2, m.sources().size());
        assertTrue(m.sources().get(0).path().endsWith("pets/train"), m.sources().get(0).path());

        List<Row> train = split(out, "train");
        // classes by name, files by name: cat/x.PNG, cat/y.jpg, dog/a.png, dog/b.png
        assertEquals(List.of(0, 0, 1, 1), train.stream().map(r -> r.getInt(2)).toList());
        assertArrayEquals(expected(image(3)), features(train.get(0)));
        assertArrayEquals(expected(ImageIO.read(jpeg.toFile())), features(train.get(1)));
        assertArrayEquals(expected(image(2)), features(train.get(2)));
        assertArrayEquals(expected(image(1)), features(train.get(3)));
        List<Row> test = split(out, "test");
        assertEquals(4L, test.get(0).getLong(0));
        assertArrayEquals(expected(image(5)), features(test.get(0)));
    }

    @Test
    void flatFolderIsAllTrainAndIsResizedAndCropped() {
        Path root = dir.resolve("flat");
        write(root.resolve("a/1.png"), image(7), "png");
        BufferedImage grey = new BufferedImage(8, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 8; x++) {
            for (int y = 0; y < 4; y++) {
                grey.getRaster().setSample(x, y, 0, 30 * x);
            }
        }
        write(root.resolve("b/1.png"), grey, "png");
        String out = dir.resolve("flat-out").toString();
        // shorter side 6 -> 4 (6x6 becomes 4x4: no crop needed); grey 8x4 keeps 4 rows, centre 4 of 8 columns
        DatasetManifest m = new ImageFolderPreparation(root.toString(), "flat", 4, 4, false, 1, BadRecords.failFast())
                .prepare(spark, out);
        assertEquals(List.of("a", "b"), m.classNames());
        assertEquals(2, m.split("train").count());
        assertEquals(0, m.split("test").count());
        assertEquals("flat (train only)", m.properties().get("layout"));
        float[] g = features(split(out, "train").get(1));
        assertEquals(48, g.length);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(30 * (x + 2) / 255f, g[c * 16 + y * 4 + x], 1e-6);
                }
            }
        }
        // 6x6 -> 4x4 is a real downscale: equal to ImageTransform applied to the image directly
        assertArrayEquals(new ImageTransform(4, 4, false).apply(image(7)), features(split(out, "train").get(0)));
    }

    static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /** A folder with one problem of every kind next to two good images. */
    Path messyFolder() throws IOException {
        Path root = dir.resolve("messy");
        write(root.resolve("train/cat/ok.png"), image(1), "png");
        write(root.resolve("train/dog/ok.png"), image(2), "png");
        Files.writeString(root.resolve("train/cat/garbage.jpg"), "this is not a JPEG");
        byte[] jpeg = Files.readAllBytes(write(root.resolve("train/dog/cut.jpg"), image(3), "jpg"));
        Files.write(root.resolve("train/dog/cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        Files.writeString(root.resolve("train/dog/readme.txt"), "unsupported type");
        write(root.resolve("train/dog/nested/deep.png"), image(4), "png");
        write(root.resolve("val/bird/x.png"), image(5), "png");
        Files.writeString(root.resolve("notes.txt"), "file next to the split folders");
        return root;
    }

    @Test
    void badFilesAndLayoutFailByDefaultWithNothingWritten() throws IOException {
        Path root = messyFolder();
        String out = dir.resolve("messy-out").toString();
        BadInputException e = assertThrows(BadInputException.class, () -> new ImageFolderPreparation(root.toString(),
                null, 6, 6, false, 2, BadRecords.failFast()).prepare(spark, out));
        assertTrue(e.getMessage().contains("messy/notes.txt: file next to the split folder train/"), e.getMessage());
        assertEquals(List.of("messy"), CifarPreparationSparkTest.leftovers(dir));

        // an unreadable image alone also fails, naming the file
        Files.delete(root.resolve("notes.txt"));
        deleteTree(root.resolve("val"));
        deleteTree(root.resolve("train/dog"));
        BadInputException e2 = assertThrows(BadInputException.class, () -> new ImageFolderPreparation(
                root.toString(), null, 6, 6, false, 2, BadRecords.failFast()).prepare(spark, out));
        assertTrue(e2.getMessage().contains("messy/train/cat/garbage.jpg: no image decoder recognises its 18 bytes"),
                e2.getMessage());
        assertEquals(List.of("messy"), CifarPreparationSparkTest.leftovers(dir));
    }

    @Test
    void withAToleranceEveryProblemIsSkippedAndCountedInTheManifest() throws IOException {
        Path root = messyFolder();
        String out = dir.resolve("messy-out").toString();
        DatasetManifest m = new ImageFolderPreparation(root.toString(), null, 6, 6, false, 2, new BadRecords(6))
                .prepare(spark, out);
        assertEquals(List.of("cat", "dog"), m.classNames());
        assertEquals(2, m.split("train").count());
        assertEquals(0, m.split("test").count());
        SkipReport r = m.skipReport();
        assertEquals(Map.of(BadRecords.UNKNOWN_LAYOUT, 2L, BadRecords.UNKNOWN_CLASS, 1L, BadRecords.UNREADABLE_IMAGE, 2L,
                BadRecords.UNSUPPORTED_FILE, 1L), r.byReason());
        assertEquals(6, m.skipped());
        assertTrue(r.examples().stream().anyMatch(x -> x.location().endsWith("train/dog/cut.jpg")
                && x.reason().equals(BadRecords.UNREADABLE_IMAGE)), r.examples().toString());

        // one more than allowed fails, and the message has the counts so far
        BadInputException e = assertThrows(BadInputException.class, () -> new ImageFolderPreparation(root.toString(),
                null, 6, 6, false, 2, new BadRecords(5)).prepare(spark, dir.resolve("other").toString()));
        assertTrue(e.getMessage().contains("too many bad records: 6 > maxSkipped 5"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("other")));
    }

    @Test
    void foldersWithoutClassFoldersAlwaysFail() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        BadInputException e = assertThrows(BadInputException.class, () -> new ImageFolderPreparation(empty.toString(),
                null, 6, 6, false, 1, BadRecords.skipAll()).prepare(spark, dir.resolve("o").toString()));
        assertTrue(e.getMessage().contains("has no class folders"), e.getMessage());
        write(dir.resolve("loose/a.png"), image(1), "png");
        BadInputException e2 = assertThrows(BadInputException.class, () -> new ImageFolderPreparation(
                dir.resolve("loose").toString(), null, 6, 6, false, 1, BadRecords.failFast())
                .prepare(spark, dir.resolve("o").toString()));
        assertTrue(e2.getMessage().contains("loose/a.png: file outside a class folder"), e2.getMessage());
        write(dir.resolve("valonly/val/cat/a.png"), image(1), "png");
        BadInputException e3 = assertThrows(BadInputException.class, () -> new ImageFolderPreparation(
                dir.resolve("valonly").toString(), null, 6, 6, false, 1, BadRecords.skipAll())
                .prepare(spark, dir.resolve("o").toString()));
        assertTrue(e3.getMessage().contains("has a test split folder val/ but no train/ folder"), e3.getMessage());
        assertFalse(Files.exists(dir.resolve("o")));
    }
}

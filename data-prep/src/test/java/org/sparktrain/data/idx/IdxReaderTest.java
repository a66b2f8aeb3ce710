package org.sparktrain.data.idx;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadInputException;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.PrimitiveIterator;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.data.idx.IdxTestFiles.gzip;
import static org.sparktrain.data.idx.IdxTestFiles.hadoop;
import static org.sparktrain.data.idx.IdxTestFiles.imagesBytes;
import static org.sparktrain.data.idx.IdxTestFiles.labelsBytes;
import static org.sparktrain.data.idx.IdxTestFiles.withHeader;
import static org.sparktrain.data.idx.IdxTestFiles.write;

class IdxReaderTest {
    private static final Configuration CONF = new Configuration();
    private final Random random = new Random(42);
    @TempDir
    Path dir;

    @Test
    void rawImagesRoundTripEveryPixel() {
        byte[][] images = IdxTestFiles.randomImages(random, 7, 5, 4);
        Path file = write(dir.resolve("train-images-idx3-ubyte"), imagesBytes(images, 5, 4));
        assertImages(file, images, 5, 4);
    }

    @Test
    void gzippedImagesRoundTripEveryPixel() {
        byte[][] images = IdxTestFiles.randomImages(random, 9, 3, 6);
        assertImages(write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(imagesBytes(images, 3, 6))), images, 3, 6);
        // detection is by content, not by name
        assertImages(write(dir.resolve("compressed-without-suffix"), gzip(imagesBytes(images, 3, 6))), images, 3, 6);
    }

    @Test
    void rawAndGzippedLabelsRoundTripEveryLabel() {
        int[] labels = {0, 9, 255, 3, 3, 128, 1};
        for (Path file : new Path[] {write(dir.resolve("l"), labelsBytes(labels)),
                write(dir.resolve("l.gz"), gzip(labelsBytes(labels)))}) {
            try (IdxReader r = IdxReader.open(hadoop(file), CONF)) {
                assertEquals(new IdxHeader(IdxType.LABELS, 7, 1, 1), r.header());
                PrimitiveIterator.OfInt it = r.labels();
                int[] read = new int[labels.length];
                for (int i = 0; i < labels.length; i++) {
                    assertTrue(it.hasNext());
                    read[i] = it.nextInt();
                }
                assertFalse(it.hasNext());
                assertArrayEquals(labels, read);
            }
        }
    }

    @Test
    void readsFromInputStreamIntoReusedBuffer() {
        byte[][] images = IdxTestFiles.randomImages(random, 4, 2, 2);
        try (IdxReader r = IdxReader.open(new ByteArrayInputStream(gzip(imagesBytes(images, 2, 2))), "memory")) {
            byte[] buffer = new byte[4];
            for (byte[] expected : images) {
                r.readImage(buffer);
                assertArrayEquals(expected, buffer);
            }
            assertEquals(4, r.position());
            assertFalse(r.hasNext());
        }
    }

    @Test
    void corruptMagicNamesFileExpectedAndFound() {
        Path file = write(dir.resolve("bad-magic-idx3-ubyte"), withHeader(new byte[16], 0x12345678, 1, 4, 4));
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.open(hadoop(file), CONF));
        assertTrue(e.getMessage().contains("bad-magic-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 0x00000803 (images) or 0x00000801 (labels)"), e.getMessage());
        assertTrue(e.getMessage().contains("found 0x12345678"), e.getMessage());
    }

    @Test
    void unsupportedTypeCodeIsNamed() {
        Path file = write(dir.resolve("floats-idx3"), withHeader(new byte[64], 0x00000D03, 1, 4, 4));
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.open(hadoop(file), CONF));
        assertTrue(e.getMessage().contains("floats-idx3"), e.getMessage());
        assertTrue(e.getMessage().contains("unsupported type code 0x0D (float)"), e.getMessage());
    }

    @Test
    void wrongNumberOfDimensionsIsRejected() {
        Path file = write(dir.resolve("two-dims"), withHeader(new byte[16], 0x00000802, 4, 4));
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.open(hadoop(file), CONF));
        assertTrue(e.getMessage().contains("two-dims") && e.getMessage().contains("has 2 dimensions"), e.getMessage());
    }

    @Test
    void nonPositiveDimensionsAreRejected() {
        Path zeroRows = write(dir.resolve("zero-rows"), withHeader(new byte[0], 0x00000803, 3, 0, 28));
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.open(hadoop(zeroRows), CONF));
        assertTrue(e.getMessage().contains("zero-rows") && e.getMessage().contains("dimension rows = 0"), e.getMessage());

        Path zeroCount = write(dir.resolve("zero-count"), withHeader(new byte[0], 0x00000801, 0));
        e = assertThrows(BadInputException.class, () -> IdxReader.open(hadoop(zeroCount), CONF));
        assertTrue(e.getMessage().contains("zero-count") && e.getMessage().contains("dimension count = 0"), e.getMessage());

        Path negative = write(dir.resolve("negative-cols"), withHeader(new byte[0], 0x00000803, 3, 28, -1));
        e = assertThrows(BadInputException.class, () -> IdxReader.open(hadoop(negative), CONF));
        assertTrue(e.getMessage().contains("dimension cols = 4294967295"), e.getMessage());
    }

    @Test
    void truncatedRawImagesNameFileAndRecord() {
        byte[] full = imagesBytes(IdxTestFiles.randomImages(random, 10, 4, 4), 4, 4);
        byte[] cut = Arrays.copyOf(full, 16 + 6 * 16 + 7); // 6 whole images and 7 bytes of the 7th
        Path file = write(dir.resolve("truncated-images-idx3-ubyte"), cut);
        try (IdxReader r = IdxReader.open(hadoop(file), CONF)) {
            for (int i = 0; i < 6; i++) {
                r.nextImage();
            }
            BadInputException e = assertThrows(BadInputException.class, r::nextImage);
            assertTrue(e.getMessage().contains("truncated-images-idx3-ubyte"), e.getMessage());
            assertTrue(e.getMessage().contains("data ended in record 6 (0-based) of the 10 records"), e.getMessage());
        }
    }

    @Test
    void truncatedGzipNamesFileAndRecord() {
        byte[] gz = gzip(imagesBytes(IdxTestFiles.randomImages(random, 50, 8, 8), 8, 8));
        Path file = write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        try (IdxReader r = IdxReader.open(hadoop(file), CONF)) {
            Iterator<byte[]> it = r.images();
            BadInputException e = assertThrows(BadInputException.class, () -> {
                while (it.hasNext()) {
                    it.next();
                }
            });
            assertTrue(e.getMessage().contains("cut.gz") && e.getMessage().contains("truncated"), e.getMessage());
            assertTrue(e.getMessage().contains("record " + r.position() + " "), e.getMessage());
            assertTrue(r.position() > 0 && r.position() < 50, "stopped at " + r.position());
        }
    }

    @Test
    void truncatedHeaderIsReported() {
        Path file = write(dir.resolve("short"), new byte[] {0, 0, 8, 3, 0, 0});
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.open(hadoop(file), CONF));
        assertTrue(e.getMessage().contains("short") && e.getMessage().contains("ends inside the header"), e.getMessage());
    }

    @Test
    void corruptGzipTrailerIsDetectedAtTheLastRecord() {
        int[] labels = {1, 2, 3};
        byte[] gz = gzip(labelsBytes(labels));
        gz[gz.length - 8] ^= 0x5a; // CRC-32 of the trailer
        Path file = write(dir.resolve("bad-crc.gz"), gz);
        try (IdxReader r = IdxReader.open(hadoop(file), CONF)) {
            assertEquals(1, r.nextLabel());
            assertEquals(2, r.nextLabel());
            BadInputException e = assertThrows(BadInputException.class, r::nextLabel);
            assertTrue(e.getMessage().contains("bad-crc.gz") && e.getMessage().contains("corrupt"), e.getMessage());
        }
    }

    @Test
    void missingPathNamesFile() {
        Path file = dir.resolve("no-such-idx3-ubyte");
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.open(hadoop(file), CONF));
        assertTrue(e.getMessage().contains("no-such-idx3-ubyte") && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void expectedKindIsEnforced() {
        Path file = write(dir.resolve("labels-idx1-ubyte"), labelsBytes(new int[] {1}));
        BadInputException e = assertThrows(BadInputException.class,
                () -> IdxReader.open(hadoop(file), CONF, IdxType.IMAGES));
        assertTrue(e.getMessage().contains("labels-idx1-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("expected magic 0x00000803 (images), found 0x00000801 (labels)"),
                e.getMessage());
    }

    @Test
    void trailingBytesAfterDeclaredRecordsAreTolerated() {
        byte[] data = labelsBytes(new int[] {4, 5});
        Path file = write(dir.resolve("trailing"), Arrays.copyOf(data, data.length + 3));
        try (IdxReader r = IdxReader.open(hadoop(file), CONF)) {
            assertEquals(4, r.nextLabel());
            assertEquals(5, r.nextLabel());
            assertFalse(r.hasNext());
        }
    }

    private static void assertImages(Path file, byte[][] images, int rows, int cols) {
        try (IdxReader r = IdxReader.open(hadoop(file), CONF)) {
            assertEquals(new IdxHeader(IdxType.IMAGES, images.length, rows, cols), r.header());
            assertEquals(file.toUri().getPath(), new org.apache.hadoop.fs.Path(r.source()).toUri().getPath());
            Iterator<byte[]> it = r.images();
            for (int i = 0; i < images.length; i++) {
                assertTrue(it.hasNext());
                assertArrayEquals(images[i], it.next(), "image " + i + " of " + file);
            }
            assertFalse(it.hasNext());
        }
    }
}

package org.sparktrain.data.image;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.Checksums;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.SourceFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.SkipReport;
import java.util.Arrays;

/** {@link CifarReader} on batch files written byte by byte in the CIFAR-10 and CIFAR-100 binary formats. */
class CifarReaderTest {
    @TempDir
    Path dir;

    static List<CifarRecord> readAll(Path file, CifarFormat format, BadRecords bad) {
        List<CifarRecord> out = new ArrayList<>();
        try (CifarReader r = new CifarReader(SourceFile.open(new org.apache.hadoop.fs.Path(file.toString()),
                new Configuration()), format, bad)) {
            r.forEachRemaining(out::add);
            r.source();
        }
        return out;
    }

    static byte[] expectedPixels(int seed, int r) {
        byte[] p = new byte[3072];
        for (int i = 0; i < 3072; i++) {
            p[i] = (byte) CifarFiles.pixel(seed, r, i);
        }
        return p;
    }

    @Test
    void cifar10RecordsAreOneLabelByteThenThePlanes() throws Exception {
        Path file = CifarFiles.write(dir.resolve("data_batch_1.bin"), CifarFiles.batch10(4, 3, 9, 0, 7));
        assertEquals(4 * 3073, Files.size(file));
        List<CifarRecord> records = readAll(file, CifarFormat.CIFAR10, BadRecords.failFast());
        assertEquals(4, records.size());
        int[] labels = {3, 9, 0, 7};
        for (int r = 0; r < 4; r++) {
            assertEquals(r, records.get(r).index());
            assertEquals(labels[r], records.get(r).label());
            assertEquals(-1, records.get(r).coarseLabel());
            assertArrayEquals(expectedPixels(4, r), records.get(r).pixels());
        }
        // red plane first, then green, then blue: pixel (row 2, col 5) of the green plane is byte 1024 + 2 * 32 + 5
        assertEquals((byte) CifarFiles.pixel(4, 1, 1024 + 69), records.get(1).pixels()[1024 + 69]);
    }

    @Test
    void cifar100RecordsAreCoarseThenFineLabelThenThePlanes() {
        Path file = CifarFiles.write(dir.resolve("train.bin.gz"), CifarFiles.gzip(CifarFiles.batch100(2,
                new int[] {19, 0, 7}, new int[] {99, 4, 55})));
        List<CifarRecord> records = readAll(file, CifarFormat.CIFAR100, BadRecords.failFast());
        assertEquals(3, records.size());
        assertEquals(List.of(19, 0, 7), records.stream().map(CifarRecord::coarseLabel).toList());
        assertEquals(List.of(99, 4, 55), records.stream().map(CifarRecord::label).toList());
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(expectedPixels(2, r), records.get(r).pixels());
        }
    }

    @Test
    void sourceEntryChecksumsTheRawFile() throws Exception {
        byte[] raw = CifarFiles.gzip(CifarFiles.batch10(1, 1, 2));
        Path file = CifarFiles.write(dir.resolve("b.bin.gz"), raw);
        try (CifarReader r = new CifarReader(SourceFile.open(new org.apache.hadoop.fs.Path(file.toString()),
                new Configuration()), CifarFormat.CIFAR10, BadRecords.failFast())) {
            r.next();
            DatasetManifest.Source s = r.source(); // reads the rest for the checksum
            assertEquals(raw.length, s.bytes());
            assertEquals(HexFormat.of().formatHex(Checksums.sha256().digest(raw)), s.sha256());
        }
    }

    @Test
    void truncatedRecordFailsNamingFileRecordAndOffsetOrIsSkippedAndCounted() {
        byte[] three = CifarFiles.batch10(1, 1, 2, 3);
        Path file = CifarFiles.write(dir.resolve("data_batch_2.bin"), Arrays.copyOf(three, 2 * 3073 + 100));
        BadInputException e = assertThrows(BadInputException.class,
                () -> readAll(file, CifarFormat.CIFAR10, BadRecords.failFast()));
        assertTrue(e.getMessage().contains("data_batch_2.bin record 2: truncated CIFAR record at byte offset 6146: "
                + "100 of 3073 bytes"), e.getMessage());

        BadRecords tolerant = new BadRecords(1);
        List<CifarRecord> kept = readAll(file, CifarFormat.CIFAR10, tolerant);
        assertEquals(List.of(1, 2), kept.stream().map(CifarRecord::label).toList());
        SkipReport report = tolerant.report();
        assertEquals(1, report.total());
        assertEquals(1, report.count(BadRecords.TRUNCATED_RECORD));
        assertTrue(report.examples().get(0).location().endsWith("data_batch_2.bin record 2"));
    }

    @Test
    void labelOutsideTheClassesAndEmptyFilesAreBadRecords() {
        // CIFAR-100: coarse 20 is not a coarse class; fine 100 is not a fine class
        Path file = CifarFiles.write(dir.resolve("train.bin"), CifarFiles.batch100(1, new int[] {20, 1, 2},
                new int[] {0, 100, 7}));
        BadInputException e = assertThrows(BadInputException.class,
                () -> readAll(file, CifarFormat.CIFAR100, BadRecords.failFast()));
        assertTrue(e.getMessage().contains("train.bin record 0: coarse label 20 is not below 20"), e.getMessage());
        BadRecords tolerant = BadRecords.skipAll();
        List<CifarRecord> kept = readAll(file, CifarFormat.CIFAR100, tolerant);
        assertEquals(List.of(2), kept.stream().map(CifarRecord::index).toList());
        assertEquals(2, tolerant.report().count(BadRecords.BAD_LABEL));

        Path empty = CifarFiles.write(dir.resolve("empty.bin"), new byte[0]);
        BadInputException e2 = assertThrows(BadInputException.class,
                () -> readAll(empty, CifarFormat.CIFAR10, BadRecords.failFast()));
        assertTrue(e2.getMessage().contains("empty.bin: CIFAR batch file is empty"), e2.getMessage());
    }
}

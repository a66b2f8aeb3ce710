package org.sparktrain.data.mnist;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.DataUnavailableException;
import org.sparktrain.data.idx.IdxDatasetFiles;
import org.sparktrain.data.idx.IdxPair;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.sparktrain.data.idx.IdxTestFiles.gzip;
import static org.sparktrain.data.idx.IdxTestFiles.imagesBytes;
import static org.sparktrain.data.idx.IdxTestFiles.labelsBytes;
import static org.sparktrain.data.idx.IdxTestFiles.write;

class FashionMnistLocatorTest {
    private static final Configuration CONF = new Configuration();
    @TempDir
    Path dir;

    /** The real data of package dataset-fashion-mnist: 60,000 / 10,000 images of 28x28, 6,000 / 1,000 per class. */
    @Test
    void readsTheInstalledFashionMnist() {
        assumeTrue(Files.isDirectory(Path.of(FashionMnistLocator.DEFAULT_DIR)),
                "package dataset-fashion-mnist is not installed");
        IdxDatasetFiles files = FashionMnistLocator.locate();
        assertEquals("fashion-mnist", files.name());
        assertTrue(files.trainImages().getName().endsWith(".gz"), files.trainImages().toString());
        assertEquals(10, files.classNames().size());
        assertArrayEquals(new long[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000},
                histogram(files.openTrain(CONF), 60000));
        assertArrayEquals(new long[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000},
                histogram(files.openTest(CONF), 10000));
    }

    /** Reads every record of the pair (pixels included), checks the shape and returns the label histogram. */
    static long[] histogram(IdxPair pair, int expectedCount) {
        try (pair) {
            assertEquals(expectedCount, pair.count());
            assertEquals(28, pair.rows());
            assertEquals(28, pair.cols());
            long[] h = new long[10];
            long pixelSum = 0;
            int n = 0;
            while (pair.hasNext()) {
                var r = pair.next();
                h[r.label()]++;
                pixelSum += r.pixels()[14 * 28 + 14] & 0xff;
                n++;
            }
            assertEquals(expectedCount, n);
            assertTrue(pixelSum > 0, "centre pixels are not all black");
            return h;
        }
    }

    @Test
    void explicitDirectoryWithRawAndGzippedFiles() {
        writeStandardFiles(dir);
        IdxDatasetFiles files = FashionMnistLocator.locate(dir.toString(), CONF);
        assertEquals("train-images-idx3-ubyte", files.trainImages().getName()); // raw preferred
        assertEquals("t10k-labels-idx1-ubyte.gz", files.testLabels().getName());
        try (IdxPair train = files.openTrain(CONF)) {
            assertEquals(2, train.count());
            assertEquals(3, train.next().label());
        }
    }

    @Test
    void systemPropertyPointsAtAnotherDirectory() {
        writeStandardFiles(dir);
        System.setProperty(FashionMnistLocator.DIR_PROPERTY, dir.toString());
        try {
            IdxDatasetFiles files = FashionMnistLocator.locate();
            assertEquals(dir.toUri().getPath(), files.trainImages().getParent().toUri().getPath() + "/");
        } finally {
            System.clearProperty(FashionMnistLocator.DIR_PROPERTY);
        }
    }

    @Test
    void missingDirectoryExplainsHowToInstall() {
        Path missing = dir.resolve("nowhere");
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> FashionMnistLocator.locate(missing.toString(), CONF));
        String m = e.getMessage();
        assertTrue(m.contains(missing.toString()) && m.contains("does not exist"), m);
        assertTrue(m.contains("apt-get install -y dataset-fashion-mnist"), m);
        assertTrue(m.contains("apt-get download dataset-fashion-mnist && dpkg -x"), m);
        assertTrue(m.contains("-D" + FashionMnistLocator.DIR_PROPERTY + "="), m);
    }

    @Test
    void partialDirectoryListsTheMissingFiles() {
        write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(imagesBytes(new byte[1][4], 2, 2)));
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> FashionMnistLocator.locate(dir.toString(), CONF));
        assertTrue(e.getMessage().contains("lacks [train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], "
                + "t10k-labels-idx1-ubyte[.gz]]"), e.getMessage());
    }

    private static void writeStandardFiles(Path dir) {
        write(dir.resolve("train-images-idx3-ubyte"), imagesBytes(new byte[2][4], 2, 2));
        write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(imagesBytes(new byte[2][4], 2, 2)));
        write(dir.resolve("train-labels-idx1-ubyte"), labelsBytes(new int[] {3, 4}));
        write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(imagesBytes(new byte[1][4], 2, 2)));
        write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labelsBytes(new int[] {5})));
    }
}

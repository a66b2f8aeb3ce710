package org.sparktrain.data.idx;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadInputException;

import java.nio.file.Path;
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
import static org.sparktrain.data.idx.IdxTestFiles.write;

class IdxPairTest {
    private static final Configuration CONF = new Configuration();
    @TempDir
    Path dir;

    @Test
    void pairsEveryImageWithItsLabel() {
        Random random = new Random(7);
        byte[][] images = IdxTestFiles.randomImages(random, 11, 3, 3);
        int[] labels = IdxTestFiles.randomLabels(random, 11, 4);
        Path img = write(dir.resolve("images.gz"), gzip(imagesBytes(images, 3, 3)));
        Path lab = write(dir.resolve("labels"), labelsBytes(labels));
        try (IdxPair pair = IdxPair.open(hadoop(img), hadoop(lab), CONF)) {
            assertEquals(11, pair.count());
            assertEquals(3, pair.rows());
            assertEquals(3, pair.cols());
            assertEquals(2, pair.paths().size());
            for (int i = 0; i < 11; i++) {
                LabeledImage r = pair.next();
                assertEquals(i, r.index());
                assertArrayEquals(images[i], r.pixels());
                assertEquals(labels[i], r.label());
            }
            assertFalse(pair.hasNext());
        }
    }

    @Test
    void countMismatchNamesBothFilesAndBothCounts() {
        Random random = new Random(8);
        Path img = write(dir.resolve("train-images-idx3-ubyte"), imagesBytes(IdxTestFiles.randomImages(random, 5, 2, 2), 2, 2));
        Path lab = write(dir.resolve("train-labels-idx1-ubyte"), labelsBytes(new int[] {1, 2, 3, 4}));
        BadInputException e = assertThrows(BadInputException.class, () -> IdxPair.open(hadoop(img), hadoop(lab), CONF));
        String m = e.getMessage();
        assertTrue(m.contains("train-images-idx3-ubyte declares 5 records"), m);
        assertTrue(m.contains("train-labels-idx1-ubyte declares 4"), m);
    }

    @Test
    void swappedFilesAreRejectedByKind() {
        Random random = new Random(9);
        Path img = write(dir.resolve("i"), imagesBytes(IdxTestFiles.randomImages(random, 2, 2, 2), 2, 2));
        Path lab = write(dir.resolve("l"), labelsBytes(new int[] {1, 2}));
        BadInputException e = assertThrows(BadInputException.class, () -> IdxPair.open(hadoop(lab), hadoop(img), CONF));
        assertTrue(e.getMessage().contains("expected magic 0x00000803 (images), found 0x00000801 (labels)"), e.getMessage());
    }

    @Test
    void missingLabelsFileIsNamed() {
        Random random = new Random(10);
        Path img = write(dir.resolve("i"), imagesBytes(IdxTestFiles.randomImages(random, 2, 2, 2), 2, 2));
        BadInputException e = assertThrows(BadInputException.class,
                () -> IdxPair.open(hadoop(img), hadoop(dir.resolve("missing-labels")), CONF));
        assertTrue(e.getMessage().contains("missing-labels") && e.getMessage().contains("does not exist"), e.getMessage());
    }
}

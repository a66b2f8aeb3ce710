package org.sparktrain.data.mnist;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.LocalSpark;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.idx.IdxDatasetFiles;
import org.sparktrain.data.idx.IdxPair;
import org.sparktrain.data.idx.ImagePreparation;
import org.sparktrain.data.idx.LabeledImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Prepares the real Fashion-MNIST (70,000 images) end to end on local[2]; skipped without the Debian package. */
class FashionMnistSparkTest {
    private static final Logger LOG = LoggerFactory.getLogger(FashionMnistSparkTest.class);
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isDirectory(Path.of(FashionMnistLocator.DEFAULT_DIR)),
                "package dataset-fashion-mnist is not installed");
        spark = LocalSpark.start("FashionMnistSparkTest");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void preparesAllSeventyThousandImages(@TempDir Path tmp) {
        IdxDatasetFiles files = FashionMnistLocator.locate();
        String out = tmp.resolve("fashion-mnist").toString();
        long start = System.nanoTime();
        DatasetManifest m = ImagePreparation.prepare(spark, out, files);
        LOG.info("prepared 70,000 Fashion-MNIST images in {} ms", (System.nanoTime() - start) / 1_000_000);

        assertEquals(List.of(1, 28, 28), m.featureShape());
        assertEquals(10, m.numClasses());
        assertEquals(FashionMnistLocator.CLASS_NAMES, m.classNames());
        assertEquals(60000, m.split("train").count());
        assertEquals(10000, m.split("test").count());
        assertEquals(List.of(6000L, 6000L, 6000L, 6000L, 6000L, 6000L, 6000L, 6000L, 6000L, 6000L),
                m.split("train").classHistogram());
        assertEquals(4, m.sources().size());
        assertEquals(26421856, m.sources().get(0).bytes());

        assertEquals(60000, PreparedDataset.readSplit(spark, out, "train").count());
        // the test split's first and last records equal the IDX file's, and ids continue after train
        List<Row> ends = PreparedDataset.readSplit(spark, out, "test").where("id IN (60000, 69999)").orderBy("id")
                .collectAsList();
        assertEquals(2, ends.size());
        try (IdxPair test = files.openTest(spark.sparkContext().hadoopConfiguration())) {
            LabeledImage first = test.next();
            LabeledImage last = first;
            while (test.hasNext()) {
                last = test.next();
            }
            assertImage(first, ends.get(0));
            assertImage(last, ends.get(1));
        }
    }

    private static void assertImage(LabeledImage image, Row row) {
        assertEquals(image.label(), row.getInt(row.fieldIndex("label")));
        List<Float> f = row.getList(row.fieldIndex("features"));
        for (int p = 0; p < 784; p++) {
            assertEquals((image.pixels()[p] & 0xff) / 255f, f.get(p), 0f, "pixel " + p + " of record " + image.index());
        }
    }
}

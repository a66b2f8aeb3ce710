package org.sparktrain.jobs.contrastive;

import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.testing.SharedSpark;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link LinearProbe#fit} on features whose answer is known by construction: three well-separated Gaussian clusters
 * in 2-D (centres 10 apart, sd 0.5), so the fitted logistic regression classifies every point by its cluster. The
 * test set carries deliberately wrong labels on a known set of points, so the expected confusion matrix, the test
 * accuracy and the per-class accuracies are counted by hand from the construction, not from the probe's output.
 */
@ExtendWith(SharedSpark.class)
class LinearProbeSparkTest {
    static final double[][] CENTRES = {{0, 0}, {10, 0}, {0, 10}};

    /** {@code n} points per class around the class centres; {@code shownLabel[k][i]} overrides the i-th label. */
    static Dataset<Row> clusters(SparkSession spark, int n, long seed, int[][] shownLabel) {
        Random rnd = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int k = 0; k < CENTRES.length; k++) {
            for (int i = 0; i < n; i++) {
                int label = shownLabel == null || i >= shownLabel[k].length ? k : shownLabel[k][i];
                rows.add(RowFactory.create((double) label, Vectors.dense(CENTRES[k][0] + 0.5 * rnd.nextGaussian(),
                        CENTRES[k][1] + 0.5 * rnd.nextGaussian())));
            }
        }
        return spark.createDataFrame(rows, LinearProbe.SCHEMA);
    }

    @Test
    void confusionAndAccuraciesMatchTheConstruction(SparkSession spark) {
        Dataset<Row> train = clusters(spark, 40, 1, null).cache();
        // test: 20 points per class; the first points of class 0 are shown as 1, 1, 2 and the first of class 2 as 0
        Dataset<Row> test = clusters(spark, 20, 2, new int[][]{{1, 1, 2}, {}, {0}}).cache();
        LinearProbe.Result r = LinearProbe.fit(train, test, 3, new ProbeConfig(50, null, null));

        assertEquals(1.0, r.trainAccuracy(), 0.0, "train clusters are separable");
        assertEquals(120, r.trainCount());
        assertEquals(60, r.testCount());
        // rows = shown (true) label, columns = predicted = the point's cluster
        long[][] expected = {
                {17, 0, 1},   // shown 0: 17 from cluster 0, 1 from cluster 2
                {2, 20, 0},   // shown 1: 2 from cluster 0, cluster 1's 20
                {1, 0, 19}};  // shown 2: 1 from cluster 0, 19 from cluster 2
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(expected[k], r.confusion()[k], "confusion row " + k);
        }
        assertEquals(56.0 / 60, r.testAccuracy(), 1e-12);
        assertArrayEquals(new double[]{17.0 / 18, 20.0 / 22, 19.0 / 20}, r.perClassAccuracy(), 1e-12);
        train.unpersist();
        test.unpersist();
    }
}

package org.sparktrain.data.sampling;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparktrain.data.LocalSpark;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TallSkinnyR}: R is upper triangular and RᵀR equals AᵀA computed directly from the rows, whether partitions
 * are streamed in several blocks, hold fewer rows than columns, or are empty.
 */
class TallSkinnyRSparkTest {
    private static SparkSession spark;
    private static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("TallSkinnyRSparkTest");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static List<double[]> rows(int n, int d, long seed) {
        Random rng = new Random(seed);
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] row = new double[d];
            row[0] = 1;
            for (int j = 1; j < d; j++) {
                row[j] = rng.nextGaussian() * j + (j == 2 ? 5 : 0);
            }
            out.add(row);
        }
        return out;
    }

    /** Asserts R is min(n, d) x d upper triangular with RᵀR = AᵀA (relative to the largest entry of AᵀA). */
    private static void assertGram(List<double[]> a, double[][] r, int d) {
        assertEquals(Math.min(a.size(), d), r.length);
        double scale = 0;
        double[][] gram = new double[d][d];
        for (double[] row : a) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    gram[i][j] += row[i] * row[j];
                    scale = Math.max(scale, Math.abs(gram[i][j]));
                }
            }
        }
        for (int i = 0; i < r.length; i++) {
            assertEquals(d, r[i].length);
            for (int j = 0; j < i; j++) {
                assertEquals(0.0, r[i][j], 0.0, "R[" + i + "][" + j + "] below the diagonal");
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double rtr = 0;
                for (double[] rowOfR : r) {
                    rtr += rowOfR[i] * rowOfR[j];
                }
                assertEquals(gram[i][j], rtr, 1e-12 * scale, "(RᵀR)[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void partitionsStreamedInSeveralBlocksGiveTheGramMatrix() {
        List<double[]> a = rows(2 * TallSkinnyR.BLOCK + 1000, 5, 3); // 2 partitions of 4,596 rows: 2 blocks each
        double[][] r = TallSkinnyR.of(jsc.parallelize(a, 2), 5);
        assertGram(a, r, 5);
        assertTrue(Math.abs(r[0][0]) > 0 && Math.abs(r[4][4]) > 0);
    }

    @Test
    void emptyAndShortPartitionsAndAShortMatrix() {
        List<double[]> a = rows(7, 4, 5); // 16 partitions: most are empty, none has 4 rows
        assertGram(a, TallSkinnyR.of(jsc.parallelize(a, 16), 4), 4);
        List<double[]> shortA = rows(3, 4, 6); // fewer rows than columns: R is 3 x 4
        assertGram(shortA, TallSkinnyR.of(jsc.parallelize(shortA, 2), 4), 4);
    }

    @Test
    void noRowsOrARowOfTheWrongLengthIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> TallSkinnyR.of(jsc.parallelize(List.of(), 2), 3));
        Exception e = assertThrows(Exception.class,
                () -> TallSkinnyR.of(jsc.parallelize(List.of(new double[]{1, 2, 3}, new double[]{1, 2}), 1), 3));
        assertTrue(String.valueOf(e.getMessage()).contains("a row has 2 columns, expected 3"), e.getMessage());
    }
}

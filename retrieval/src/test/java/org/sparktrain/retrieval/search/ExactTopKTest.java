package org.sparktrain.retrieval.search;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExactTopKTest {
    @Test
    void equalsBruteForceForEveryBlockSize() {
        Random rnd = new Random(7);
        int nQ = 9;
        int n = 1003;
        int d = 16;
        double[][] q = gaussian(rnd, nQ, d);
        double[][] c = gaussian(rnd, n, d);
        INDArray qa = Nd4j.createFromArray(q);
        INDArray ca = Nd4j.createFromArray(c);
        int k = 25;
        for (int block : new int[] {1, 7, 64, 1000, 1003, 5000}) {
            ExactTopK.Result r = ExactTopK.search(qa, ca, k, block);
            for (int i = 0; i < nQ; i++) {
                final double[] qi = q[i];
                Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
                Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -dot(qi, c[j])).thenComparing(j -> j));
                long[] expected = Arrays.stream(order).limit(k).mapToLong(Integer::longValue).toArray();
                assertArrayEquals(expected, r.rows()[i], "block " + block + ", query " + i);
                for (int j = 0; j < k; j++) {
                    assertEquals(dot(qi, c[(int) expected[j]]), r.scores()[i][j], 1e-9);
                }
            }
        }
    }

    @Test
    void floatEmbeddingsTiesAndSmallCorpus() {
        float[][] corpus = {{1, 0}, {0, 1}, {1, 0}, {0.5f, 0.5f}};
        INDArray c = Nd4j.createFromArray(corpus);
        INDArray q = Nd4j.createFromArray(new float[][] {{1, 0}, {0, 2}});
        assertEquals(DataType.FLOAT, c.dataType());
        for (int block : new int[] {1, 2, 3}) {
            ExactTopK.Result r = ExactTopK.search(q, c, 10, block);
            assertArrayEquals(new long[] {0, 2, 3, 1}, r.rows()[0], "ties: lower row first; k capped at N");
            assertArrayEquals(new double[] {1, 1, 0.5, 0}, r.scores()[0], 1e-7);
            assertArrayEquals(new long[] {1, 3, 0, 2}, r.rows()[1]);
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        INDArray q = Nd4j.zeros(DataType.FLOAT, 2, 3);
        INDArray c = Nd4j.zeros(DataType.FLOAT, 5, 4);
        assertThrows(IllegalArgumentException.class, () -> ExactTopK.search(q, c, 1, 2));
    }

    private static double[][] gaussian(Random rnd, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] r : m) {
            for (int j = 0; j < cols; j++) {
                r[j] = rnd.nextGaussian();
            }
        }
        return m;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

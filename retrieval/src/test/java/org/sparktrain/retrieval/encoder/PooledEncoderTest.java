package org.sparktrain.retrieval.encoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PooledEncoderTest {
    /** V = 4, d = 2: rows E[0] = (1,0), E[1] = (0,1), E[2] = (1,1), E[3] = (2,-1). */
    private static TokenEmbeddingTable tiny() {
        return new TokenEmbeddingTable(4, 2, new float[]{1, 0, 0, 1, 1, 1, 2, -1});
    }

    @Test
    void forwardMatchesHandComputation() {
        PooledEncoder enc = new PooledEncoder(tiny());
        assertEquals(4 + 4 + 2, enc.numParams());
        // a = (1, 2, 0.5, 1), W = [[0, 1], [0.5, 0]], c = (0.25, -0.5)
        double[] theta = {1, 2, 0.5, 1, 0, 1, 0.5, 0, 0.25, -0.5};
        // text [1, 3]: h = ((2*(0,1)) + (1*(2,-1)))/2 = (1, 0.5); W h = (0.5, 0.5); z = (1.75, 0.5)
        // text [2]:   h = 0.5*(1,1) = (0.5, 0.5); W h = (0.5, 0.25); z = (1.25, 0.25)
        float[][] e = enc.encode(theta, new int[][]{{1, 3}, {2}});
        double n1 = Math.hypot(1.75, 0.5);
        double n2 = Math.hypot(1.25, 0.25);
        assertArrayEquals(new float[]{(float) (1.75 / n1), (float) (0.5 / n1)}, e[0], 1e-6f);
        assertArrayEquals(new float[]{(float) (1.25 / n2), (float) (0.25 / n2)}, e[1], 1e-6f);
    }

    @Test
    void initialParametersGiveTheNormalisedMeanOfTheTokenEmbeddings() {
        PooledEncoder enc = new PooledEncoder(tiny());
        float[] init = enc.initialParams();
        double[] theta = new double[init.length];
        for (int i = 0; i < init.length; i++) {
            theta[i] = init[i];
        }
        // mean of (1,0), (1,1), (2,-1) = (4/3, 0) -> (1, 0)
        assertArrayEquals(new float[]{1f, 0f}, enc.encode(theta, new int[][]{{0, 2, 3}})[0], 1e-6f);
    }

    /** Central differences (h = 1e-6, double) of L = Σ R ⊙ e over every parameter, with repeated tokens. */
    @Test
    void gradientMatchesFiniteDifferences() {
        Random rng = new Random(3);
        int v = 7;
        int d = 3;
        float[] rows = new float[v * d];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) rng.nextGaussian();
        }
        PooledEncoder enc = new PooledEncoder(new TokenEmbeddingTable(v, d, rows));
        double[] theta = new double[(int) enc.numParams()];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = (i < v ? 1 : 0) + 0.4 * rng.nextGaussian();
        }
        int[][] ids = {{0, 3, 3, 5}, {1}, {6, 2, 4, 2, 0}};
        INDArray r = Nd4j.create(new double[]{0.3, -1.2, 0.7, 0.5, 0.9, -0.4, -0.8, 0.1, 1.5}, new long[]{3, d}, 'c');
        double[] analytic = new double[theta.length];
        enc.backward(theta, enc.forward(theta, ids), r, analytic);
        double worst = 0;
        for (int i = 0; i < theta.length; i++) {
            double keep = theta[i];
            theta[i] = keep + 1e-6;
            double up = enc.forward(theta, ids).embeddings().mul(r).sumNumber().doubleValue();
            theta[i] = keep - 1e-6;
            double down = enc.forward(theta, ids).embeddings().mul(r).sumNumber().doubleValue();
            theta[i] = keep;
            double numeric = (up - down) / 2e-6;
            double err = Math.abs(analytic[i] - numeric);
            assertTrue(err <= 1e-6 * Math.max(Math.abs(analytic[i]), Math.abs(numeric)) + 1e-8,
                    "parameter " + i + ": analytic " + analytic[i] + " numeric " + numeric);
            worst = Math.max(worst, err / Math.max(1e-12, Math.abs(numeric)));
        }
        // token 5 appears once, token 3 twice in text 0: both have non-zero gradients; unused tokens have none
        assertTrue(Math.abs(analytic[3]) > 1e-6 && Math.abs(analytic[5]) > 1e-6);
        System.out.printf("pooled encoder gradient check: %d parameters, worst relative error %.2e%n", theta.length,
                worst);
    }

    @Test
    void rejectsOutOfVocabularyIdsAndEmptyTexts() {
        PooledEncoder enc = new PooledEncoder(tiny());
        double[] theta = new double[(int) enc.numParams()];
        java.util.Arrays.fill(theta, 0, 4, 1);
        assertThrows(IllegalArgumentException.class, () -> enc.forward(theta, new int[][]{{4}}));
        assertThrows(IllegalArgumentException.class, () -> enc.forward(theta, new int[][]{{}}));
    }
}

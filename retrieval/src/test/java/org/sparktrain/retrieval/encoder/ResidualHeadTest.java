package org.sparktrain.retrieval.encoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ResidualHeadTest {
    @Test
    void forwardMatchesHandComputation() {
        // offset 1 (one unrelated leading parameter), W = [[0, 1], [0.5, 0]], c = (0.25, -0.5)
        ResidualHead head = new ResidualHead(2, 1);
        double[] theta = {9, 0, 1, 0.5, 0, 0.25, -0.5};
        // h = (1, 0.5): W h = (0.5, 0.5), z = (1.75, 0.5); h = (0.5, 0.5): W h = (0.5, 0.25), z = (1.25, 0.25)
        INDArray e = head.forward(theta, Nd4j.create(new double[][]{{1, 0.5}, {0.5, 0.5}})).embeddings();
        double n1 = Math.hypot(1.75, 0.5);
        double n2 = Math.hypot(1.25, 0.25);
        assertArrayEquals(new double[]{1.75 / n1, 0.5 / n1}, e.getRow(0).toDoubleVector(), 1e-12);
        assertArrayEquals(new double[]{1.25 / n2, 0.25 / n2}, e.getRow(1).toDoubleVector(), 1e-12);
    }

    @Test
    void zeroParametersReproduceUnitInputs() {
        float[][] u = {{0.6f, 0.8f, 0f}, {0f, -1f, 0f}};
        float[][] e = HeadTextEncoder.apply(new double[12], u);
        assertArrayEquals(u[0], e[0], 1e-7f);
        assertArrayEquals(u[1], e[1], 1e-7f);
    }

    /** Central differences (h = 1e-6, double) of L = Σ R ⊙ E over every parameter and every input entry. */
    @Test
    void gradientMatchesFiniteDifferences() {
        Random rng = new Random(5);
        int d = 3;
        int b = 4;
        ResidualHead head = new ResidualHead(d, 2);
        double[] theta = new double[2 + d * d + d];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = 0.5 * rng.nextGaussian();
        }
        double[][] h = new double[b][d];
        double[][] r = new double[b][d];
        for (int s = 0; s < b; s++) {
            for (int k = 0; k < d; k++) {
                h[s][k] = rng.nextGaussian();
                r[s][k] = rng.nextGaussian();
            }
        }
        INDArray rm = Nd4j.create(r);
        ResidualHead.Forward f = head.forward(theta, Nd4j.create(h));
        double[] grad = new double[theta.length];
        double[] dH = head.backward(theta, f, rm, grad).dup('c').data().asDouble();
        double eps = 1e-6;
        assertEquals(0.0, grad[0]);
        assertEquals(0.0, grad[1]);
        for (int i = 2; i < theta.length; i++) {
            double[] plus = theta.clone();
            double[] minus = theta.clone();
            plus[i] += eps;
            minus[i] -= eps;
            double numeric = (loss(head, plus, h, rm) - loss(head, minus, h, rm)) / (2 * eps);
            assertEquals(numeric, grad[i], 1e-8 + 1e-6 * Math.abs(numeric), "parameter " + i);
        }
        for (int s = 0; s < b; s++) {
            for (int k = 0; k < d; k++) {
                double[][] hp = copy(h);
                double[][] hm = copy(h);
                hp[s][k] += eps;
                hm[s][k] -= eps;
                double numeric = (loss(head, theta, hp, rm) - loss(head, theta, hm, rm)) / (2 * eps);
                assertEquals(numeric, dH[s * d + k], 1e-8 + 1e-6 * Math.abs(numeric), "input " + s + "," + k);
            }
        }
    }

    private static double loss(ResidualHead head, double[] theta, double[][] h, INDArray r) {
        return head.forward(theta, Nd4j.create(h)).embeddings().mul(r).sumNumber().doubleValue();
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}

package org.sparktrain.zoo.contrastive;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.zoo.ImageShape;

import java.util.Random;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The hand-written backward passes of {@link ContrastiveConvNet} (LeNet-style and small ResNet), checked in double
 * precision against central finite differences of contrastive losses through the whole network, plus the LeNet
 * forward pass recomputed independently with loops.
 */
class ContrastiveConvNetTest {
    static final int B = 3;
    static final ImageShape SHAPE = new ImageShape(1, 12, 12);

    static INDArray inputs(long seed) {
        return EncoderGradientCheck.uniform(seed, B, SHAPE.size());
    }

    static ContrastiveConvNet lenet() {
        return ContrastiveConvNet.lenet(SHAPE, 7, 6, 5, 4, 11, DataType.DOUBLE);
    }

    static ContrastiveConvNet resnet() {
        return ContrastiveConvNet.resnet(new ImageShape(2, 6, 6), 2, 5, 4, 3, 13, DataType.DOUBLE);
    }

    /** Two views (B × 2·6·6 each) for {@link #resnet()}, uniform [0, 1) from {@code new Random(seed).doubles}. */
    static INDArray[] resnetViews(long seed) {
        Random r = new Random(seed);
        int d = 2 * 6 * 6;
        return new INDArray[]{Nd4j.createFromArray(r.doubles(B * d).toArray()).reshape(B, d),
                Nd4j.createFromArray(r.doubles(B * d).toArray()).reshape(B, d)};
    }

    /**
     * About 80 parameters spread evenly over the flat vector (every layer's weights are hit; a full sweep costs two
     * forward passes per parameter and takes minutes on the shared machine).
     */
    static IntPredicate spread(ContrastiveEncoder m) {
        long stride = Math.max(1, m.numParams() / 80);
        return i -> i % stride == 0;
    }

    @Test
    void lenetGradientOfNtXentMatchesFiniteDifferences() {
        ContrastiveConvNet m = lenet();
        EncoderGradientCheck.ntXent(m, inputs(1), inputs(2), spread(m));
    }

    @Test
    void resnetGradientOfNtXentMatchesFiniteDifferences() {
        ContrastiveConvNet m = resnet();
        INDArray[] x = resnetViews(3);
        EncoderGradientCheck.ntXent(m, x[0], x[1], spread(m));
    }

    /** At a first visit the SogCLR surrogate's gradient is the gradient of its reported objective. */
    @Test
    void resnetGradientOfTheGlobalContrastiveLossMatchesFiniteDifferences() {
        ContrastiveConvNet m = resnet();
        INDArray[] x = resnetViews(4);
        EncoderGradientCheck.sogclr(m, x[0], x[1], spread(m));
    }

    /** LeNet's representation recomputed with plain loops from the flat parameters (layout of the class comment). */
    @Test
    void lenetFeaturesEqualAnIndependentLoopComputation() {
        ContrastiveConvNet m = lenet();
        // 12x12: conv1 6@12x12, pool 6@6x6, conv2 16@2x2, pool 16@1x1, dense 16->7, dense 7->6; head 6->5->4
        long expected = (6 * 25 + 6) + (16 * 6 * 25 + 16) + (16 * 7 + 7) + (7 * 6 + 6) + (6 * 5 + 5) + (5 * 4 + 4);
        assertEquals(expected, m.numParams());
        double[] p = m.params().toDoubleVector();
        INDArray x = inputs(5);
        double[][] xv = x.toDoubleMatrix();
        double[][] f = m.features(x).toDoubleMatrix();
        for (int n = 0; n < B; n++) {
            double[][][] a1 = new double[6][12][12];
            for (int o = 0; o < 6; o++) {
                for (int i = 0; i < 12; i++) {
                    for (int j = 0; j < 12; j++) {
                        double s = p[150 + o];
                        for (int u = 0; u < 5; u++) {
                            for (int v = 0; v < 5; v++) {
                                int yy = i + u - 2;
                                int xx = j + v - 2;
                                if (yy >= 0 && yy < 12 && xx >= 0 && xx < 12) {
                                    s += p[o * 25 + u * 5 + v] * xv[n][yy * 12 + xx];
                                }
                            }
                        }
                        a1[o][i][j] = Math.max(0, s);
                    }
                }
            }
            double[][][] p1 = pool(a1);
            int w2 = 156;
            int b2 = w2 + 16 * 6 * 25;
            double[][][] a2 = new double[16][2][2];
            for (int o = 0; o < 16; o++) {
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 2; j++) {
                        double s = p[b2 + o];
                        for (int c = 0; c < 6; c++) {
                            for (int u = 0; u < 5; u++) {
                                for (int v = 0; v < 5; v++) {
                                    s += p[w2 + ((o * 6 + c) * 5 + u) * 5 + v] * p1[c][i + u][j + v];
                                }
                            }
                        }
                        a2[o][i][j] = Math.max(0, s);
                    }
                }
            }
            double[][][] p2 = pool(a2);
            double[] flat = new double[16];
            for (int c = 0; c < 16; c++) {
                flat[c] = p2[c][0][0];
            }
            int d1 = b2 + 16;
            double[] h = dense(flat, p, d1, 16, 7);
            double[] feat = dense(h, p, d1 + 16 * 7 + 7, 7, 6);
            for (int k = 0; k < 6; k++) {
                assertEquals(feat[k], f[n][k], 1e-12, "example " + n + " feature " + k);
            }
        }
    }

    static double[][][] pool(double[][][] a) {
        double[][][] out = new double[a.length][a[0].length / 2][a[0][0].length / 2];
        for (int c = 0; c < a.length; c++) {
            for (int i = 0; i < out[c].length; i++) {
                for (int j = 0; j < out[c][i].length; j++) {
                    out[c][i][j] = Math.max(Math.max(a[c][2 * i][2 * j], a[c][2 * i][2 * j + 1]),
                            Math.max(a[c][2 * i + 1][2 * j], a[c][2 * i + 1][2 * j + 1]));
                }
            }
        }
        return out;
    }

    /** relu(x W + b) with W (in, out) row-major at {@code at}, then b. */
    static double[] dense(double[] x, double[] p, int at, int in, int out) {
        double[] y = new double[out];
        for (int k = 0; k < out; k++) {
            double s = p[at + in * out + k];
            for (int j = 0; j < in; j++) {
                s += x[j] * p[at + j * out + k];
            }
            y[k] = Math.max(0, s);
        }
        return y;
    }

    @Test
    void sameSeedSameModelAndAStalePassIsRefused() {
        ContrastiveConvNet a = resnet();
        ContrastiveConvNet b = resnet();
        assertArrayEquals(a.params().toDoubleVector(), b.params().toDoubleVector(), 0);
        // resnet(2 channels, w=2): stem 2*2*9+2; block 2->2: 2*(2*2*9+2); block 2->4 s2: 4*2*9+4 + 4*4*9+4 + (4*2+4);
        // block 4->8 s2: 8*4*9+8 + 8*8*9+8 + (8*4+8); dense 8->5; head 5->4->3
        long expected = 38 + 2 * 38 + (76 + 148 + 12) + (296 + 584 + 40) + (8 * 5 + 5) + (5 * 4 + 4) + (4 * 3 + 3);
        assertEquals(expected, a.numParams());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 72);
        ContrastiveEncoder.Pass old = a.forward(x);
        a.forward(x);
        assertThrows(IllegalArgumentException.class, () -> a.backward(old, Nd4j.zeros(DataType.DOUBLE, 2, 3),
                Nd4j.zeros(DataType.DOUBLE, 1, a.numParams())));
        assertThrows(IllegalArgumentException.class, () -> a.forward(Nd4j.zeros(DataType.DOUBLE, 2, 71)));
    }
}

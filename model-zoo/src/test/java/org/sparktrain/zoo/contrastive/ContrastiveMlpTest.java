package org.sparktrain.zoo.contrastive;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hand-written backward pass of {@link ContrastiveMlp}, checked in double precision against central finite
 * differences of contrastive losses computed through the whole network (both views share the network).
 */
class ContrastiveMlpTest {
    static final int B = 5;
    static final int D = 12;

    static INDArray inputs(long seed) {
        return EncoderGradientCheck.uniform(seed, B, D);
    }

    static ContrastiveMlp model() {
        return new ContrastiveMlp(D, 8, 6, 5, 4, 11, DataType.DOUBLE);
    }

    /** Every bias and every 3rd weight: all eight tensors are covered, at a third of the cost. */
    static IntPredicate biasesAndEveryThirdWeight(ContrastiveMlp m) {
        long[] at = m.tensorOffsets();
        return i -> {
            boolean bias = false;
            for (int l = 0; l < 4; l++) {
                bias |= i >= at[2 * l + 1] && i < at[2 * l + 2];
            }
            return bias || i % 3 == 0;
        };
    }

    @Test
    void gradientOfNtXentThroughTheNetworkMatchesFiniteDifferences() {
        ContrastiveMlp m = model();
        EncoderGradientCheck.ntXent(m, inputs(1), inputs(2), biasesAndEveryThirdWeight(m));
    }

    /** At a first visit (u_i = g_i) the SogCLR surrogate's gradient is the gradient of its reported objective. */
    @Test
    void gradientOfTheGlobalContrastiveLossThroughTheNetworkMatchesFiniteDifferences() {
        ContrastiveMlp m = model();
        EncoderGradientCheck.sogclr(m, inputs(3), inputs(4), biasesAndEveryThirdWeight(m));
    }

    @Test
    void featuresAreTheEncoderOutputAndTheSameSeedGivesTheSameModel() {
        ContrastiveMlp a = model();
        ContrastiveMlp b = model();
        assertEquals(12 * 8 + 8 + 8 * 6 + 6 + 6 * 5 + 5 + 5 * 4 + 4, a.numParams());
        assertArrayEquals(a.params().toDoubleVector(), b.params().toDoubleVector(), 0);
        long[] at = a.tensorOffsets();
        assertEquals(a.numParams(), at[8]);
        // biases start at 0, weights do not
        for (int l = 0; l < 4; l++) {
            for (long i = at[2 * l + 1]; i < at[2 * l + 2]; i++) {
                assertEquals(0.0, a.params().getDouble(0, i));
            }
        }
        INDArray x = inputs(5);
        INDArray f = a.features(x);
        assertArrayEquals(new long[]{B, 6}, f.shape());
        // independent computation of f = relu(relu(x W1 + b1) W2 + b2) from the flat parameters
        double[] p = a.params().toDoubleVector();
        double[][] xv = x.toDoubleMatrix();
        for (int r = 0; r < B; r++) {
            double[] h = new double[8];
            for (int k = 0; k < 8; k++) {
                double s = p[(int) at[1] + k];
                for (int j = 0; j < D; j++) {
                    s += xv[r][j] * p[j * 8 + k];
                }
                h[k] = Math.max(0, s);
            }
            for (int k = 0; k < 6; k++) {
                double s = p[(int) at[3] + k];
                for (int j = 0; j < 8; j++) {
                    s += h[j] * p[(int) at[2] + j * 6 + k];
                }
                assertEquals(Math.max(0, s), f.getDouble(r, k), 1e-12);
            }
        }
    }
}

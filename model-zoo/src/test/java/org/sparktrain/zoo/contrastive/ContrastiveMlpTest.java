package org.sparktrain.zoo.contrastive;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.LossInputs;
import org.sparktrain.losses.contrastive.GclConfig;
import org.sparktrain.losses.contrastive.GclResult;
import org.sparktrain.losses.contrastive.GlobalContrastiveLoss;
import org.sparktrain.losses.contrastive.NtXentLoss;
import org.sparktrain.losses.contrastive.SampleState;
import org.sparktrain.losses.contrastive.TwoViewGradients;

import java.util.Random;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written backward pass of {@link ContrastiveMlp}, checked in double precision against central finite
 * differences of contrastive losses computed through the whole network (both views share the network).
 */
class ContrastiveMlpTest {
    static final int B = 5;
    static final int D = 12;

    static INDArray inputs(long seed) {
        Random r = new Random(seed);
        double[] v = new double[B * D];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble();
        }
        return Nd4j.createFromArray(v).reshape(B, D);
    }

    static ContrastiveMlp model() {
        return new ContrastiveMlp(D, 8, 6, 5, 4, 11, DataType.DOUBLE);
    }

    /** Runs both views through the network as one stacked batch, as the training step does. */
    static INDArray project(ContrastiveMlp m, INDArray x1, INDArray x2) {
        return m.forward(Nd4j.vstack(x1, x2)).projection();
    }

    /** Compares the analytic gradient of {@code loss} (given dL/dz of the stacked views) with finite differences. */
    static void check(ContrastiveMlp m, INDArray x1, INDArray x2, ToDoubleFunction<INDArray> loss,
                      INDArray analytic) {
        double eps = 1e-6;
        double worst = 0;
        int checked = 0;
        int total = 0;
        // every bias and every 3rd weight: all eight tensors are covered, at a third of the cost
        long[] at = m.tensorOffsets();
        for (int i = 0; i < m.numParams(); i++) {
            boolean bias = false;
            for (int l = 0; l < 4; l++) {
                bias |= i >= at[2 * l + 1] && i < at[2 * l + 2];
            }
            if (!bias && i % 3 != 0) {
                continue;
            }
            total++;
            double theta = m.params().getDouble(0, i);
            m.params().putScalar(0, i, theta + eps);
            double up = loss.applyAsDouble(project(m, x1, x2));
            m.params().putScalar(0, i, theta - eps);
            double down = loss.applyAsDouble(project(m, x1, x2));
            m.params().putScalar(0, i, theta);
            double numeric = (up - down) / (2 * eps);
            double a = analytic.getDouble(0, i);
            double err = Math.abs(numeric - a) / Math.max(1e-6, Math.abs(numeric) + Math.abs(a));
            worst = Math.max(worst, Math.abs(numeric - a) < 1e-8 ? 0 : err);
            if (a != 0) {
                checked++;
            }
        }
        assertTrue(worst < 1e-5, "worst relative error " + worst);
        assertTrue(checked > total / 2, "most checked parameters get a gradient: " + checked + " of " + total);
    }

    @Test
    void gradientOfNtXentThroughTheNetworkMatchesFiniteDifferences() {
        ContrastiveMlp m = model();
        INDArray x1 = inputs(1);
        INDArray x2 = inputs(2);
        NtXentLoss loss = new NtXentLoss(0.5);
        INDArray z = project(m, x1, x2);
        TwoViewGradients t = loss.compute(LossInputs.rows(z, 0, B), LossInputs.rows(z, B, B));
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 1, m.numParams());
        m.backward(m.forward(Nd4j.vstack(x1, x2)), Nd4j.vstack(t.view1(), t.view2()), grad);
        check(m, x1, x2, zz -> loss.compute(LossInputs.rows(zz, 0, B), LossInputs.rows(zz, B, B)).value(), grad);
    }

    /**
     * At a first visit (u_i = g_i) the SogCLR surrogate's gradient is the gradient of the estimated objective
     * (1/B) Σ_i Σ_v [τ log((1/m) Σ_j exp(X_ij/τ)) − X_ii], which the loss reports as {@code objective}.
     */
    @Test
    void gradientOfTheGlobalContrastiveLossThroughTheNetworkMatchesFiniteDifferences() {
        ContrastiveMlp m = model();
        INDArray x1 = inputs(3);
        INDArray x2 = inputs(4);
        GlobalContrastiveLoss loss = new GlobalContrastiveLoss(GclConfig.sogclr(0.3));
        INDArray z = project(m, x1, x2);
        GclResult r = loss.compute(LossInputs.rows(z, 0, B), LossInputs.rows(z, B, B), SampleState.initial(B, 0.3));
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 1, m.numParams());
        m.backward(m.forward(Nd4j.vstack(x1, x2)), Nd4j.vstack(r.view1(), r.view2()), grad);
        check(m, x1, x2, zz -> loss.compute(LossInputs.rows(zz, 0, B), LossInputs.rows(zz, B, B),
                SampleState.initial(B, 0.3)).objective(), grad);
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

package org.sparktrain.zoo.contrastive;

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
import java.util.function.IntPredicate;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gradient check the contrastive encoder tests share: a contrastive loss (losses module) is computed on the
 * projections of both views, run through the {@link ContrastiveEncoder} as one stacked batch as the training step
 * does; its gradient through the encoder's hand-written backward pass is compared, in double precision, with central
 * finite differences at the chosen parameters.
 */
final class EncoderGradientCheck {
    private EncoderGradientCheck() {
    }

    /** A rows × cols matrix of uniform [0, 1) values from {@code new Random(seed)}, row by row. */
    static INDArray uniform(long seed, int rows, int cols) {
        Random r = new Random(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble();
        }
        return Nd4j.createFromArray(v).reshape(rows, cols);
    }

    /** Runs both views through the network as one stacked batch: the projections z (2B × P). */
    static INDArray project(ContrastiveEncoder m, INDArray x1, INDArray x2) {
        return m.forward(Nd4j.vstack(x1, x2)).projection();
    }

    /** NT-Xent (τ 0.5) of the views x1, x2 (B × D each). */
    static double ntXent(ContrastiveEncoder m, INDArray x1, INDArray x2, IntPredicate checked) {
        int b = (int) x1.rows();
        NtXentLoss loss = new NtXentLoss(0.5);
        INDArray z = project(m, x1, x2);
        TwoViewGradients t = loss.compute(LossInputs.rows(z, 0, b), LossInputs.rows(z, b, b));
        INDArray grad = backward(m, x1, x2, Nd4j.vstack(t.view1(), t.view2()));
        return check(m, x1, x2, zz -> loss.compute(LossInputs.rows(zz, 0, b), LossInputs.rows(zz, b, b)).value(),
                grad, checked);
    }

    /**
     * The SogCLR loss (τ 0.3) at a first visit (u_i = g_i), where the surrogate's gradient is the gradient of the
     * estimated objective (1/B) Σ_i Σ_v [τ log((1/m) Σ_j exp(X_ij/τ)) − X_ii] that the loss reports.
     */
    static double sogclr(ContrastiveEncoder m, INDArray x1, INDArray x2, IntPredicate checked) {
        int b = (int) x1.rows();
        GlobalContrastiveLoss loss = new GlobalContrastiveLoss(GclConfig.sogclr(0.3));
        INDArray z = project(m, x1, x2);
        GclResult r = loss.compute(LossInputs.rows(z, 0, b), LossInputs.rows(z, b, b), SampleState.initial(b, 0.3));
        INDArray grad = backward(m, x1, x2, Nd4j.vstack(r.view1(), r.view2()));
        return check(m, x1, x2, zz -> loss.compute(LossInputs.rows(zz, 0, b), LossInputs.rows(zz, b, b),
                SampleState.initial(b, 0.3)).objective(), grad, checked);
    }

    private static INDArray backward(ContrastiveEncoder m, INDArray x1, INDArray x2, INDArray dLdz) {
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 1, m.numParams());
        m.backward(m.forward(Nd4j.vstack(x1, x2)), dLdz, grad);
        return grad;
    }

    /**
     * Central differences (ε 1e-6) against {@code analytic} at the parameters {@code checked} accepts: the worst
     * relative error must stay below 1e-5 and more than half of them must get a nonzero gradient (so the check is
     * not vacuous). Returns the worst relative error.
     */
    static double check(ContrastiveEncoder m, INDArray x1, INDArray x2, ToDoubleFunction<INDArray> loss,
                        INDArray analytic, IntPredicate checked) {
        double eps = 1e-6;
        double worst = 0;
        int nonzero = 0;
        int total = 0;
        for (int i = 0; i < m.numParams(); i++) {
            if (!checked.test(i)) {
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
            nonzero += a != 0 ? 1 : 0;
        }
        assertTrue(worst < 1e-5, "worst relative error " + worst);
        assertTrue(nonzero > total / 2, "most checked parameters get a gradient: " + nonzero + " of " + total);
        return worst;
    }
}

package org.sparktrain.zoo.moe;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Random;

/**
 * One expert of an MoE layer: a two-layer feed-forward network with SiLU, on rows of tokens (ND4J, double).
 *
 * <p>Math: for X (T, d): A = X W1 + 1 c1ᵀ (T, h), Z = SiLU(A) = A ⊙ σ(A), Y = Z W2 + 1 c2ᵀ (T, d), with
 * W1 (d, h), c1 (h), W2 (h, d), c2 (d). Backward from dY: dW2 = Zᵀ dY, dc2 = Σ_t dY_t, dZ = dY W2ᵀ,
 * dA = dZ ⊙ σ(A)(1 + A(1 − σ(A))), dW1 = Xᵀ dA, dc1 = Σ_t dA_t, dX = dA W1ᵀ.
 *
 * <p>Parameters lie in a flat vector from {@code offset} in the order W1, c1, W2, c2 (matrices row-major); SiLU
 * (Elfwing et al. 2018) is smooth, so finite-difference gradient checks are exact up to O(eps²).
 */
final class ExpertFfn {
    private final int dModel;
    private final int hidden;
    private final long offset;

    ExpertFfn(int dModel, int hidden, long offset) {
        this.dModel = dModel;
        this.hidden = hidden;
        this.offset = offset;
    }

    static long numParams(int dModel, int hidden) {
        return 2L * dModel * hidden + hidden + dModel;
    }

    long numParams() {
        return numParams(dModel, hidden);
    }

    /** Appends W1, c1, W2, c2 (the flat order) named {@code prefix.W1} etc. */
    void tensors(String prefix, org.sparktrain.zoo.ParamTensors out) {
        out.add(prefix + ".W1", (long) dModel * hidden).add(prefix + ".c1", hidden)
                .add(prefix + ".W2", (long) hidden * dModel).add(prefix + ".c2", dModel);
    }

    /** Initialises W1 ~ N(0, 1/d), W2 ~ N(0, 1/h) scaled by {@code outScale}, biases 0. */
    void initialize(INDArray flat, Random rng, double outScale) {
        fill(block(flat, 0, (long) dModel * hidden), rng, 1.0 / Math.sqrt(dModel));
        block(flat, (long) dModel * hidden, hidden).assign(0);
        fill(block(flat, (long) dModel * hidden + hidden, (long) hidden * dModel), rng, outScale / Math.sqrt(hidden));
        block(flat, 2L * dModel * hidden + hidden, dModel).assign(0);
    }

    /** Forward pass; keeps what backward needs. */
    Pass forward(INDArray flat, INDArray x) {
        INDArray a = x.mmul(w1(flat)).addiRowVector(c1(flat));
        INDArray sig = Transforms.sigmoid(a, true);
        INDArray z = a.mul(sig);
        INDArray y = z.mmul(w2(flat)).addiRowVector(c2(flat));
        return new Pass(x, a, sig, z, y);
    }

    /** Adds this expert's parameter gradient into {@code grad} (same layout as the parameters); returns dX. */
    INDArray backward(INDArray flat, Pass p, INDArray dY, INDArray grad) {
        block(grad, (long) dModel * hidden + hidden, (long) hidden * dModel).addi(p.z.transpose().mmul(dY).reshape(-1));
        block(grad, 2L * dModel * hidden + hidden, dModel).addi(dY.sum(0).reshape(-1));
        INDArray dZ = dY.mmul(w2(flat).transpose());
        // SiLU'(a) = σ(a) (1 + a (1 − σ(a)))
        INDArray dSilu = p.sig.mul(p.a.mul(p.sig.rsub(1.0)).addi(1.0));
        INDArray dA = dZ.muli(dSilu);
        block(grad, 0, (long) dModel * hidden).addi(p.x.transpose().mmul(dA).reshape(-1));
        block(grad, (long) dModel * hidden, hidden).addi(dA.sum(0).reshape(-1));
        return dA.mmul(w1(flat).transpose());
    }

    private INDArray w1(INDArray flat) {
        return block(flat, 0, (long) dModel * hidden).reshape('c', dModel, hidden);
    }

    private INDArray c1(INDArray flat) {
        return block(flat, (long) dModel * hidden, hidden).reshape(1, hidden);
    }

    private INDArray w2(INDArray flat) {
        return block(flat, (long) dModel * hidden + hidden, (long) hidden * dModel).reshape('c', hidden, dModel);
    }

    private INDArray c2(INDArray flat) {
        return block(flat, 2L * dModel * hidden + hidden, dModel).reshape(1, dModel);
    }

    /** A contiguous view of {@code n} elements of the flat (1, P) vector, starting at this expert's offset + at. */
    private INDArray block(INDArray flat, long at, long n) {
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset + at, offset + at + n));
    }

    static void fill(INDArray view, Random rng, double std) {
        double[] v = new double[(int) view.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = std * rng.nextGaussian();
        }
        view.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(v).reshape(view.shape()));
    }

    /** Activations of one forward pass. */
    record Pass(INDArray x, INDArray a, INDArray sig, INDArray z, INDArray y) {
    }
}

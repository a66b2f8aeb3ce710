package org.sparktrain.zoo.moe;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Root-mean-square layer normalisation with a learned gain, on rows of tokens, forward and backward written by hand
 * on ND4J in double precision.
 *
 * <p>Math, for a row x ∈ R^d and gain γ ∈ R^d: r = sqrt(mean_j x_j² + ε), x̂ = x / r, y = γ ⊙ x̂. Backward from dy:
 * dγ = Σ_rows dy ⊙ x̂, dx̂ = dy ⊙ γ, dx = (dx̂ − x̂ · mean_j(dx̂_j x̂_j)) / r. Shapes: x, y (T, d).
 *
 * <p>The gain lies in a flat (1, P) parameter vector from {@code offset}; it is initialised to 1.
 * Reference: B. Zhang, R. Sennrich, "Root Mean Square Layer Normalization", NeurIPS 2019.
 */
final class RmsNorm {
    static final double EPSILON = 1e-6;
    private final int dim;
    private final long offset;

    RmsNorm(int dim, long offset) {
        this.dim = dim;
        this.offset = offset;
    }

    long numParams() {
        return dim;
    }

    /** Appends the gain, named {@code prefix.gain}. */
    void tensors(String prefix, org.sparktrain.zoo.ParamTensors out) {
        out.add(prefix + ".gain", dim);
    }

    void initialize(INDArray flat) {
        gainBlock(flat).assign(1.0);
    }

    Pass forward(INDArray flat, INDArray x) {
        long rows = x.rows();
        INDArray r = Transforms.sqrt(x.mul(x).mean(1).addi(EPSILON), false).reshape(rows, 1);
        INDArray xHat = x.divColumnVector(r);
        INDArray y = xHat.mulRowVector(gainBlock(flat).reshape(1, dim));
        return new Pass(xHat, r, y);
    }

    /** Adds dγ into {@code grad}; returns dx (T, d). */
    INDArray backward(INDArray flat, Pass p, INDArray dY, INDArray grad) {
        long rows = dY.rows();
        gainBlock(grad).addi(dY.mul(p.xHat).sum(0).reshape(-1));
        INDArray dXHat = dY.mulRowVector(gainBlock(flat).reshape(1, dim));
        INDArray inner = dXHat.mul(p.xHat).mean(1).reshape(rows, 1);
        return dXHat.subi(p.xHat.mulColumnVector(inner)).diviColumnVector(p.r);
    }

    private INDArray gainBlock(INDArray flat) {
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + dim));
    }

    /** x̂ (T, d), r (T, 1), y (T, d). */
    record Pass(INDArray xHat, INDArray r, INDArray y) {
    }
}

package org.sparktrain.losses;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rows of a matrix scaled to unit L2 norm, with the backward pass of that scaling (ND4J, double precision).
 *
 * <p>Forward: x̂_k = x_k / ‖x_k‖ for every row k of x (n×d). Backward: for an upstream gradient g = ∂L/∂x̂ (n×d),
 * ∂L/∂x_k = (g_k − x̂_k ⟨x̂_k, g_k⟩) / ‖x_k‖. There is no epsilon in the norm (as in torchmetrics'
 * {@code pairwise_cosine_similarity} and torch's {@code normalize} for non-zero rows): a row of norm zero has no
 * direction, so it is rejected with an error naming the input and the row.
 */
public final class RowNormalized implements ScoringRows {
    private final INDArray unit;
    private final INDArray norms;

    private RowNormalized(INDArray unit, INDArray norms) {
        this.unit = unit;
        this.norms = norms;
    }

    /** Normalizes the rows of {@code x} (cast to double); {@code name} is used in error messages. */
    public static RowNormalized of(String name, INDArray x) {
        INDArray xd = LossInputs.doubleMatrix(name, x);
        long n = xd.rows();
        INDArray norms = xd.norm2(1).reshape(n, 1);
        for (int k = 0; k < n; k++) {
            double v = norms.getDouble(k, 0);
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(name + " row " + k + " has L2 norm " + v
                        + "; a cosine similarity needs a finite non-zero vector");
            }
        }
        return new RowNormalized(xd.divColumnVector(norms), norms);
    }

    /** The unit rows x̂ (n×d, double). */
    @Override
    public INDArray vectors() {
        return unit;
    }

    /** Rows [from, from+count) of the unit rows, as a copy. */
    @Override
    public INDArray vectorRows(long from, long count) {
        return LossInputs.rows(unit, from, count);
    }

    /** ∂L/∂x (n×d) from ∂L/∂x̂ (n×d). */
    @Override
    public INDArray backward(INDArray gradUnit) {
        INDArray g = gradUnit.castTo(DataType.DOUBLE);
        INDArray radial = unit.mul(g).sum(1).reshape(unit.rows(), 1);
        return g.sub(unit.mulColumnVector(radial)).divColumnVector(norms);
    }
}

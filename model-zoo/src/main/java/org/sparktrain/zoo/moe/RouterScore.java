package org.sparktrain.zoo.moe;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Locale;

/**
 * The gating function G that turns router logits z_{t,i} = u_tᵀ e_i into affinity scores s_{t,i} (computed on ND4J,
 * double precision in this package).
 *
 * <ul>
 *   <li>{@link #SIGMOID}: s_{t,i} = σ(z_{t,i}), each expert scored independently (the default of Wang et al. 2024
 *       and DeepSeek-V3). ∂s/∂z = s(1−s) elementwise.</li>
 *   <li>{@link #SOFTMAX}: s_{t,·} = softmax(z_{t,·}) over the N experts of a token (Wang et al. 2024, App. C).
 *       Backward: dz_t = s_t ⊙ (ds_t − ⟨ds_t, s_t⟩).</li>
 * </ul>
 */
public enum RouterScore {
    SIGMOID, SOFTMAX;

    /** Parses {@code sigmoid} or {@code softmax} (case-insensitive); the error names {@code field}. */
    public static RouterScore parse(String field, String value) {
        if (value == null) {
            return SIGMOID;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "sigmoid" -> SIGMOID;
            case "softmax" -> SOFTMAX;
            default -> throw new IllegalArgumentException(field + ": router score must be 'sigmoid' or 'softmax', got '"
                    + value + "'");
        };
    }

    /** Scores (T, N) from logits (T, N); a new array. */
    public INDArray apply(INDArray logits) {
        if (this == SIGMOID) {
            return Transforms.sigmoid(logits, true);
        }
        INDArray shifted = logits.subColumnVector(logits.max(1).reshape(logits.rows(), 1));
        INDArray e = Transforms.exp(shifted, false);
        return e.diviColumnVector(e.sum(1).reshape(logits.rows(), 1));
    }

    /** dL/dz (T, N) from dL/ds (T, N) and the scores s (T, N); a new array. */
    public INDArray backward(INDArray dScores, INDArray scores) {
        if (this == SIGMOID) {
            return dScores.mul(scores).muli(scores.rsub(1.0));
        }
        INDArray inner = dScores.mul(scores).sum(1).reshape(scores.rows(), 1);
        return dScores.subColumnVector(inner).muli(scores);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

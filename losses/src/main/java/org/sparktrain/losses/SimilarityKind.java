package org.sparktrain.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/** How a (query, document) score is computed from two embeddings. */
public enum SimilarityKind {
    /** cos(a, b) = ⟨a, b⟩ / (‖a‖‖b‖), no epsilon. */
    COSINE {
        @Override
        public ScoringRows prepare(String name, INDArray x) {
            return RowNormalized.of(name, x);
        }
    },
    /** ⟨a, b⟩. */
    DOT {
        @Override
        public ScoringRows prepare(String name, INDArray x) {
            INDArray xd = LossInputs.doubleMatrix(name, x);
            return new ScoringRows() {
                @Override
                public INDArray vectors() {
                    return xd;
                }

                @Override
                public INDArray vectorRows(long from, long count) {
                    return LossInputs.rows(xd, from, count);
                }

                @Override
                public INDArray backward(INDArray gradVectors) {
                    return gradVectors.castTo(xd.dataType()).dup();
                }
            };
        }
    };

    /** The rows the scores are computed on, with their backward pass; {@code name} appears in error messages. */
    public abstract ScoringRows prepare(String name, INDArray x);
}

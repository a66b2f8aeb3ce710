package org.sparktrain.retrieval.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.RowNormalized;

import java.util.Arrays;

/**
 * A trainable residual linear layer followed by L2 normalisation, on top of any fixed-size text representation:
 * the trainable part of the {@code pooled} encoder ({@link PooledEncoder}) and, on frozen MiniLM sentence
 * embeddings, the {@code minilm-head} encoder ({@link HeadTextEncoder}).
 *
 * <p><b>Math</b>, for a batch of B input rows H (B x d) and parameters W (d x d), c (d):
 * <pre>
 *   Z = H + H Wᵀ + c        residual linear layer (row b: z_b = h_b + W h_b + c)      (B x d)
 *   E = Z / ‖Z‖ (per row)   unit embeddings; cosine = dot product                      (B x d)
 * </pre>
 * W = 0, c = 0 is the identity up to normalisation: on unit inputs (MiniLM's sentence embeddings) the untrained
 * head reproduces them exactly, so fine-tuning starts from the zero-shot model.
 * Backward, given ∂L/∂E (hand-written; ND4J double matrix products, the losses module's {@link RowNormalized}):
 * <pre>
 *   dZ = RowNormalized.backward(dE);   dW = dZᵀ H;   dc = Σ_b dZ_b;   dH = dZ + dZ W
 * </pre>
 * The parameters are a slice of a larger flat vector starting at {@code offset}: {@code [W row-major | c]}.
 */
public final class ResidualHead {
    private final int dim;
    private final int offset;

    /**
     * @param dim    d
     * @param offset index of W[0][0] in the flat parameter vector
     */
    public ResidualHead(int dim, int offset) {
        if (dim <= 0 || offset < 0) {
            throw new IllegalArgumentException("dim must be > 0 and offset >= 0, got " + dim + ", " + offset);
        }
        this.dim = dim;
        this.offset = offset;
    }

    public int dim() {
        return dim;
    }

    /** d² + d. */
    public long numParams() {
        return (long) dim * dim + dim;
    }

    /** Forward state of one batch, kept for {@link #backward}. */
    public static final class Forward {
        private final INDArray input;      // H, B x d
        private final RowNormalized unit;  // E = Z/‖Z‖

        private Forward(INDArray input, RowNormalized unit) {
            this.input = input;
            this.unit = unit;
        }

        /** The unit embeddings E (B x d, double). */
        public INDArray embeddings() {
            return unit.vectors();
        }
    }

    /**
     * @param params the flat vector holding this head at {@code offset}
     * @param h      B x d inputs (double)
     */
    public Forward forward(double[] params, INDArray h) {
        if (h.rank() != 2 || h.columns() != dim) {
            throw new IllegalArgumentException("head input must be B x " + dim + ", got "
                    + Arrays.toString(h.shape()));
        }
        if (params.length < offset + numParams()) {
            throw new IllegalArgumentException("parameter vector of " + params.length + " values has no head at "
                    + offset);
        }
        INDArray z = h.add(h.mmul(weight(params).transpose())).addiRowVector(bias(params));
        return new Forward(h, RowNormalized.of("residual head output", z));
    }

    /** Adds ∂L/∂W and ∂L/∂c to {@code gradient} (at {@code offset}) and returns ∂L/∂H (B x d). */
    public INDArray backward(double[] params, Forward f, INDArray dEmbeddings, double[] gradient) {
        INDArray dZ = f.unit.backward(dEmbeddings);
        double[] dw = dZ.transpose().mmul(f.input).dup('c').data().asDouble();
        double[] dc = dZ.sum(0).data().asDouble();
        for (int i = 0; i < dw.length; i++) {
            gradient[offset + i] += dw[i];
        }
        int cOff = offset + dim * dim;
        for (int k = 0; k < dim; k++) {
            gradient[cOff + k] += dc[k];
        }
        return dZ.add(dZ.mmul(weight(params)));
    }

    private INDArray weight(double[] params) {
        return Nd4j.create(Arrays.copyOfRange(params, offset, offset + dim * dim), new long[]{dim, dim}, 'c');
    }

    private INDArray bias(double[] params) {
        int c = offset + dim * dim;
        return Nd4j.create(Arrays.copyOfRange(params, c, c + dim), new long[]{1, dim}, 'c');
    }
}

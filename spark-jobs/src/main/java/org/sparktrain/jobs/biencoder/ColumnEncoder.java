package org.sparktrain.jobs.biencoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.optim.TensorLayout;

/**
 * The encoder side of {@link BiencoderTrainable}: turns one column of a batch (queries, positives or negatives)
 * into unit embeddings (B x d, double) and back-propagates ∂L/∂embeddings into the flat parameter gradient.
 * Implementations: {@link PooledColumnEncoder} (token id columns, the {@code pooled} encoder),
 * {@link HeadColumnEncoder} (columns of frozen MiniLM embeddings, the {@code minilm-head} encoder) and
 * {@link BertColumnEncoder} (token id columns, the SameDiff transformer: the {@code minilm} encoder).
 *
 * <p>A training step is {@link #begin} (parameters θ and the gradient vector, both 1 x numParams), one
 * {@link Step#encode} per column, the {@link Pass#backward} of each pass, then {@link Step#finish}, after which the
 * gradient vector holds Σ over the passes of (∂embeddings/∂θ)ᵀ dEmbeddings. The step decides where it accumulates:
 * the small encoders in a double array (cast once to float at the end), the transformer straight into the
 * gradient vector (no extra copy of its 22.5M parameters).
 */
interface ColumnEncoder {
    long numParams();

    /** Default initial parameters (the job usually passes its own). */
    float[] initialParams();

    TensorLayout layout();

    /**
     * The parameter vector the trainable exposes to the engine (1 x numParams): by default a new float vector
     * holding {@link #initialParams()}; an encoder that owns its weights returns its live vector.
     */
    default INDArray newParams() {
        float[] init = initialParams();
        return Nd4j.create(init, new long[]{1, init.length}, 'c');
    }

    /** The gradient vector matching {@link #newParams()} (1 x numParams, zeros). */
    default INDArray newGradient() {
        return Nd4j.zeros(DataType.FLOAT, 1, numParams());
    }

    /** Starts a step at parameters {@code params}; {@link Step#finish} writes the gradient into {@code gradient}. */
    Step begin(INDArray params, INDArray gradient);

    /** One training step's passes over the columns. */
    interface Step {
        /** Encodes {@code column} of the batch. */
        Pass encode(Batch batch, String column);

        /** Writes Σ of the passes' backward contributions into the gradient vector given to {@link #begin}. */
        void finish();
    }

    /** One encoded column, kept for the backward pass. */
    interface Pass {
        /** Unit embeddings, B x d (double). */
        INDArray embeddings();

        /** Adds (∂embeddings/∂θ)ᵀ dEmbeddings (dEmbeddings B x d) to the step's gradient. */
        void backward(INDArray dEmbeddings);

        /** A pass from its embeddings and its backward function. */
        static Pass of(INDArray embeddings, java.util.function.Consumer<INDArray> backward) {
            return new Pass() {
                @Override
                public INDArray embeddings() {
                    return embeddings;
                }

                @Override
                public void backward(INDArray dEmbeddings) {
                    backward.accept(dEmbeddings);
                }
            };
        }
    }

    /**
     * The step of an encoder with a small parameter vector and a double-array forward/backward
     * ({@code forward(theta, ...)}, {@code backward(theta, ..., grad)}): θ is read once as doubles, the passes add
     * into one double array, and {@link #finish} casts it to float once.
     */
    abstract class DoubleStep implements Step {
        protected final double[] theta;
        protected final double[] grad;
        private final INDArray gradient;

        protected DoubleStep(INDArray params, INDArray gradient) {
            this.theta = params.toDoubleVector();
            this.grad = new double[theta.length];
            this.gradient = gradient;
        }

        @Override
        public void finish() {
            gradient.assign(Nd4j.createFromArray(grad).castTo(gradient.dataType()).reshape(gradient.shape()));
        }
    }
}

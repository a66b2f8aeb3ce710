package org.sparktrain.jobs.biencoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.optim.TensorLayout;

/**
 * The encoder side of {@link BiencoderTrainable}: turns one column of a batch (queries, positives or negatives)
 * into unit embeddings (B x d, double) and back-propagates ∂L/∂embeddings into the flat parameter gradient.
 * Implementations: {@link PooledColumnEncoder} (token id columns, the {@code pooled} encoder) and
 * {@link HeadColumnEncoder} (columns of frozen MiniLM embeddings, the {@code minilm-head} encoder).
 */
interface ColumnEncoder {
    long numParams();

    /** Default initial parameters (the job usually passes its own). */
    float[] initialParams();

    TensorLayout layout();

    /** Encodes {@code column} of the batch with parameters {@code theta}. */
    Pass encode(double[] theta, Batch batch, String column);

    /** One encoded column, kept for the backward pass. */
    interface Pass {
        /** Unit embeddings, B x d (double). */
        INDArray embeddings();

        /** Adds (∂embeddings/∂θ)ᵀ dEmbeddings to {@code gradient}. */
        void backward(INDArray dEmbeddings, double[] gradient);

        /** A pass from its embeddings and its backward function. */
        static Pass of(INDArray embeddings, java.util.function.BiConsumer<INDArray, double[]> backward) {
            return new Pass() {
                @Override
                public INDArray embeddings() {
                    return embeddings;
                }

                @Override
                public void backward(INDArray dEmbeddings, double[] gradient) {
                    backward.accept(dEmbeddings, gradient);
                }
            };
        }
    }
}

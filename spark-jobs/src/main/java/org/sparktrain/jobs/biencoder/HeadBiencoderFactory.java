package org.sparktrain.jobs.biencoder;

import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;

/**
 * Builds {@link BiencoderTrainable}s of the {@code minilm-head} encoder ({@link HeadColumnEncoder}): nothing but the
 * embedding dimension and the loss is serialised, the frozen embeddings travel in the training frame.
 *
 * @param dim  embedding dimension of the frozen base encoder (384 for all-MiniLM-L6-v2)
 * @param loss the training loss
 */
public record HeadBiencoderFactory(int dim, BiencoderLossConfig loss) implements TrainableFactory {
    @Override
    public Trainable create() {
        return new BiencoderTrainable(new HeadColumnEncoder(dim), loss);
    }

    @Override
    public String cacheKey() {
        return "head-biencoder:" + dim + ":" + loss;
    }
}

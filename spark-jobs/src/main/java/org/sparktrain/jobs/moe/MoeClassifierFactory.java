package org.sparktrain.jobs.moe;

import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.zoo.moe.MoeClassifier;

/** Builds the {@link MoeClassifier} of a {@code train-moe} config as a {@link Trainable} (same seed, same init). */
public record MoeClassifierFactory(MoeModelConfig model, BalancingConfig balancing, int numInputs, int numClasses,
                                   long seed) implements TrainableFactory {
    public MoeClassifier createModel() {
        return new MoeClassifier(numInputs, numClasses, model.layers(), model.layer(), seed);
    }

    public MoeBalancingState state() {
        return new MoeBalancingState(model.layers(), model.experts(), balancing);
    }

    @Override
    public Trainable create() {
        return new MoeClassifierTrainable(createModel(), state(), model.microBatch());
    }

    @Override
    public String cacheKey() {
        return "moe-" + model + "-" + balancing + "-" + numInputs + "-" + numClasses + "-" + seed;
    }
}

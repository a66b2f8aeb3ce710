package org.sparktrain.jobs.moe;

import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.zoo.moe.MoeLanguageModel;

/** Builds the {@link MoeLanguageModel} of a {@code train-moe} config with {@code model.type: moe-lm} (same seed, same init). */
public record MoeLmFactory(MoeModelConfig model, BalancingConfig balancing, int vocabSize, long seed)
        implements TrainableFactory {
    public MoeLanguageModel createModel() {
        return new MoeLanguageModel(vocabSize, model.contextLength(), model.layers(), model.layer(), seed);
    }

    public MoeBalancingState state() {
        return new MoeBalancingState(model.layers(), model.experts(), balancing);
    }

    @Override
    public Trainable create() {
        return new MoeLmTrainable(createModel(), state(), model.microBatch());
    }

    @Override
    public String cacheKey() {
        return "moe-lm-" + model + "-" + balancing + "-" + vocabSize + "-" + seed;
    }
}

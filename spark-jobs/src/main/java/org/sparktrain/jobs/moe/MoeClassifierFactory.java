package org.sparktrain.jobs.moe;

import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.zoo.moe.MoeClassifier;

/**
 * Builds the {@link MoeClassifier} of a {@code train-moe} config as a {@link Trainable} (same seed, same init); with a
 * weight column, every example's cross-entropy is multiplied by {@code weightScale x weight} (a selection,
 * docs/selection.md; {@link MoeClassifierTrainable}).
 *
 * @param weightColumn per-record weight column of the training data, or null for unweighted training
 * @param weightScale  constant factor on the weights (1 when unweighted)
 */
public record MoeClassifierFactory(MoeModelConfig model, BalancingConfig balancing, int numInputs, int numClasses,
                                   long seed, String weightColumn, double weightScale) implements TrainableFactory {
    public MoeClassifierFactory {
        if (!(weightScale > 0) || Double.isInfinite(weightScale)) {
            throw new IllegalArgumentException("weightScale must be positive and finite, got " + weightScale);
        }
    }

    /** Unweighted training. */
    public MoeClassifierFactory(MoeModelConfig model, BalancingConfig balancing, int numInputs, int numClasses,
                                long seed) {
        this(model, balancing, numInputs, numClasses, seed, null, 1.0);
    }

    public MoeClassifier createModel() {
        return new MoeClassifier(numInputs, numClasses, model.layers(), model.layer(), seed);
    }

    public MoeBalancingState state() {
        return new MoeBalancingState(model.layers(), model.experts(), balancing);
    }

    @Override
    public Trainable create() {
        return new MoeClassifierTrainable(createModel(), state(), model.microBatch(), weightColumn, weightScale);
    }

    @Override
    public String cacheKey() {
        return "moe-" + model + "-" + balancing + "-" + numInputs + "-" + numClasses + "-" + seed
                + (weightColumn == null ? "" : "-weighted-" + weightColumn + "-" + weightScale);
    }
}

package org.sparktrain.jobs.classifier;

import org.sparktrain.engine.MultiLayerTrainable;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.zoo.ClassifierModelConfig;
import org.sparktrain.zoo.ClassifierNetworks;
import org.sparktrain.zoo.ImageShape;

/**
 * Builds a model-zoo classifier (LeNet-5 or MLP) as a {@link Trainable} for the engine; with a weight column, every
 * example's loss is multiplied by {@code weightScale x weight} (see {@link MultiLayerTrainable}).
 *
 * @param weightColumn per-record weight column of the training data, or null for unweighted training
 * @param weightScale  constant factor on the weights (1 when unweighted)
 */
public record ClassifierFactory(ClassifierModelConfig model, ImageShape shape, int numClasses, long seed,
                                String weightColumn, double weightScale) implements TrainableFactory {
    /** Unweighted training. */
    public ClassifierFactory(ClassifierModelConfig model, ImageShape shape, int numClasses, long seed) {
        this(model, shape, numClasses, seed, null, 1.0);
    }

    @Override
    public Trainable create() {
        if (usesFastLeNet5()) {
            return new FastLeNet5Trainable(shape, numClasses, seed, weightColumn, weightScale);
        }
        return new MultiLayerTrainable(ClassifierNetworks.create(model, shape, numClasses, seed), numClasses,
                weightColumn, weightScale);
    }

    boolean usesFastLeNet5() {
        return model.type().equals("lenet5") && model.implementation().equals("fast");
    }

    @Override
    public String cacheKey() {
        return model.type() + model.hidden() + model.implementation() + "-" + shape + "-" + numClasses + "-" + seed
                + (weightColumn == null ? "" : "-weighted-" + weightColumn + "-" + weightScale);
    }
}

package org.sparktrain.jobs.classifier;

import org.sparktrain.engine.MultiLayerTrainable;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.zoo.ClassifierModelConfig;
import org.sparktrain.zoo.ClassifierNetworks;
import org.sparktrain.zoo.ImageShape;

/** Builds a model-zoo classifier (LeNet-5 or MLP) as a {@link Trainable} for the engine. */
public record ClassifierFactory(ClassifierModelConfig model, ImageShape shape, int numClasses, long seed)
        implements TrainableFactory {
    @Override
    public Trainable create() {
        if (usesFastLeNet5()) {
            return new FastLeNet5Trainable(shape, numClasses, seed);
        }
        return new MultiLayerTrainable(ClassifierNetworks.create(model, shape, numClasses, seed), numClasses);
    }

    boolean usesFastLeNet5() {
        return model.type().equals("lenet5") && model.implementation().equals("fast");
    }

    @Override
    public String cacheKey() {
        return model.type() + model.hidden() + model.implementation() + "-" + shape + "-" + numClasses + "-" + seed;
    }
}

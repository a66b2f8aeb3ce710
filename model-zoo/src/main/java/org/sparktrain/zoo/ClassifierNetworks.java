package org.sparktrain.zoo;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/** Builds the classifier network named by a {@link ClassifierModelConfig}. */
public final class ClassifierNetworks {
    private ClassifierNetworks() {
    }

    public static MultiLayerConfiguration configuration(ClassifierModelConfig config, ImageShape shape, int numClasses,
                                                        long seed, IUpdater updater) {
        return switch (config.type()) {
            case "lenet5" -> LeNet5Model.configuration(shape, numClasses, seed, updater);
            case "mlp" -> MlpModel.configuration(shape.size(), config.hidden(), numClasses, seed, updater);
            default -> throw new IllegalArgumentException("type: unknown model type '" + config.type() + "'");
        };
    }

    /** An initialised network whose own updater is a no-op: the training engine owns the update rule. */
    public static MultiLayerNetwork create(ClassifierModelConfig config, ImageShape shape, int numClasses, long seed) {
        return create(config, shape, numClasses, seed, new NoOp());
    }

    public static MultiLayerNetwork create(ClassifierModelConfig config, ImageShape shape, int numClasses, long seed,
                                           IUpdater updater) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(config, shape, numClasses, seed, updater));
        net.init();
        return net;
    }

    public static String citation(ClassifierModelConfig config) {
        return "lenet5".equals(config.type()) ? LeNet5Model.CITATION : MlpModel.CITATION;
    }
}

package org.sparktrain.zoo.contrastive.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * A {@link Layer} without parameters (ReLU, pooling, reshape): it takes no slice of the network's flat vectors and
 * needs no initialisation.
 */
public interface ParameterFreeLayer extends Layer {
    @Override
    default long numParams() {
        return 0;
    }

    @Override
    default void tensors(String prefix, org.sparktrain.zoo.ParamTensors out) {
    }

    @Override
    default void bind(INDArray params, INDArray gradients) {
    }

    @Override
    default void initialize(SplittableRandom random) {
    }
}

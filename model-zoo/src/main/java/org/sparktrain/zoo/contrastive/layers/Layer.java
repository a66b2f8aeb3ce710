package org.sparktrain.zoo.contrastive.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * One differentiable layer of a hand-written network on ND4J: a forward pass that keeps what its backward pass
 * needs, and a backward pass that returns ∂L/∂input and writes ∂L/∂(own parameters) into its bound gradient views.
 * Parameters and gradients are views of the network's flat vectors ({@link #bind}), so an updater that changes the
 * flat vector in place changes the layer. A layer holds the activations of its latest forward pass only: call
 * backward after the forward it belongs to. Not thread-safe.
 */
public interface Layer {

    /** Number of parameters (0 for parameter-free layers). */
    long numParams();

    /** Binds the layer to 1-D views of length {@link #numParams()} of the flat parameter and gradient vectors. */
    void bind(INDArray params, INDArray gradients);

    /** Appends this layer's parameter tensors, in their order within its {@link #numParams()} block. */
    void tensors(String prefix, org.sparktrain.zoo.ParamTensors out);

    /** Draws the initial parameters (into the bound views). */
    void initialize(SplittableRandom random);

    INDArray forward(INDArray input);

    /** ∂L/∂input from ∂L/∂output; writes (overwrites) this layer's parameter gradients. */
    INDArray backward(INDArray outputGradient);

    /** Normal N(0, std²) values from a seeded generator, for weight initialisation. */
    static double[] normal(SplittableRandom random, long n, double std) {
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = std * random.nextGaussian();
        }
        return v;
    }
}

package org.sparktrain.zoo.contrastive;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An encoder f with a projection head g for contrastive pre-training (SimCLR, Chen et al., ICML 2020, arXiv
 * 2002.05709): inputs x (B×D, flattened images) give the representation f(x) (B×F, the linear probe's input) and the
 * projection z = g(f(x)) (B×P, what the contrastive loss sees). All parameters live in one flat (1×N) vector that the
 * caller (an updater) changes in place; the backward pass writes the gradient of a loss from ∂L/∂z.
 *
 * <p>Implementations: {@link ContrastiveMlp} (dense layers) and {@link ContrastiveConvNet} (LeNet-style and small
 * ResNet convolutional encoders). None uses batch normalisation, which would couple the rows of a batch and break the
 * engine's guarantee that W workers equal one worker on the combined batch. Not thread-safe.
 */
public interface ContrastiveEncoder {

    /** N, the number of parameters. */
    long numParams();

    /** The live flat parameter vector (1×N). */
    INDArray params();

    /** The parameter tensors in their flat order (for L-DoG's per-tensor norms). */
    org.sparktrain.zoo.ParamTensors tensors();

    /** D, features of one input example. */
    int inputs();

    /** F, the representation width. */
    int featureSize();

    /** P, the projection width. */
    int projectionSize();

    /** FLOAT (training) or DOUBLE (gradient checks). */
    DataType dataType();

    /** Runs the forward pass on x (B×D) and keeps what {@link #backward} needs. */
    Pass forward(INDArray x);

    /**
     * Writes into {@code gradientOut} (N values, overwritten) the gradient of a loss L w.r.t. the parameters, given
     * {@code gradZ} = ∂L/∂z (B×P) at the activations of {@code pass}, which must be this encoder's latest pass.
     */
    void backward(Pass pass, INDArray gradZ, INDArray gradientOut);

    /** The representation f (B×F) of x (B×D): the encoder without the head. */
    INDArray features(INDArray x);

    /** The outputs of one forward pass. */
    interface Pass {
        /** The projection z (B×P). */
        INDArray projection();

        /** The representation f (B×F). */
        INDArray features();
    }
}

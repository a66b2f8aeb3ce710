package org.sparktrain.zoo.contrastive.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Reshapes each example (row-major, keeping the batch dimension): flat features (B, C·H·W) to images (B, C, H, W)
 * and back. Backward reshapes the gradient to the input's shape. No parameters.
 */
public final class Reshape implements ParameterFreeLayer {
    private final long[] exampleShape;
    private long[] inputShape;

    /** @param exampleShape the output shape of one example, e.g. {C, H, W} or {C·H·W} */
    public Reshape(long... exampleShape) {
        this.exampleShape = exampleShape.clone();
    }

    @Override
    public INDArray forward(INDArray input) {
        inputShape = input.shape();
        long[] shape = new long[exampleShape.length + 1];
        shape[0] = input.size(0);
        System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
        long per = Arrays.stream(exampleShape).reduce(1, (a, c) -> a * c);
        if (input.length() != shape[0] * per) {
            throw new IllegalArgumentException("reshape: input " + Arrays.toString(inputShape) + " does not hold "
                    + Arrays.toString(exampleShape) + " per example");
        }
        return input.dup('c').reshape('c', shape);
    }

    @Override
    public INDArray backward(INDArray g) {
        return g.dup('c').reshape('c', inputShape);
    }
}

package org.sparktrain.zoo.contrastive.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Global average pooling of NCHW maps: y_nc = (1/(H·W)) Σ_{h,w} x_nchw, (B, C, H, W) → (B, C) (ND4J mean).
 * Backward: ∂x_nchw = g_nc / (H·W). No parameters.
 */
public final class GlobalAveragePool implements ParameterFreeLayer {
    private long[] inputShape;

    @Override
    public INDArray forward(INDArray input) {
        if (input.rank() != 4) {
            throw new IllegalArgumentException("global average pool: expected NCHW, got "
                    + java.util.Arrays.toString(input.shape()));
        }
        inputShape = input.shape();
        return input.mean(2, 3);
    }

    @Override
    public INDArray backward(INDArray g) {
        long n = inputShape[0];
        long c = inputShape[1];
        double area = (double) inputShape[2] * inputShape[3];
        return g.div(area).reshape(n, c, 1, 1).broadcast(inputShape).dup('c');
    }
}

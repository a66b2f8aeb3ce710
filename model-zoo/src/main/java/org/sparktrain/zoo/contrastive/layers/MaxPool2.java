package org.sparktrain.zoo.contrastive.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * 2×2 max pooling with stride 2 on NCHW maps, libnd4j's {@code maxpool2d} / {@code maxpool2d_bp}:
 * y[n, c, i, j] = max_{u,v ∈ {0,1}} x[n, c, 2i + u, 2j + v], (B, C, H, W) → (B, C, ⌊H/2⌋, ⌊W/2⌋). Backward routes
 * each ∂y to the position of its maximum. No parameters.
 */
public final class MaxPool2 implements ParameterFreeLayer {
    private static final int[] ARGS = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0}; // k, s, p, dilation, valid, extra, NCHW
    private INDArray x;

    @Override
    public INDArray forward(INDArray input) {
        if (input.rank() != 4) {
            throw new IllegalArgumentException("max pool: expected NCHW, got " + java.util.Arrays.toString(input.shape()));
        }
        x = input;
        INDArray y = Nd4j.create(input.dataType(), input.size(0), input.size(1), input.size(2) / 2, input.size(3) / 2);
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(input).addOutputs(y).addIntegerArguments(ARGS)
                .build());
        return y;
    }

    @Override
    public INDArray backward(INDArray g) {
        INDArray gx = Nd4j.create(x.dataType(), x.shape());
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(x, g.dup('c')).addOutputs(gx)
                .addIntegerArguments(ARGS).build());
        return gx;
    }
}

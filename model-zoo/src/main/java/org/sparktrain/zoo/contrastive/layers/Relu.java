package org.sparktrain.zoo.contrastive.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** y = max(x, 0) elementwise (ND4J); backward ∂x = g ⊙ [y &gt; 0]. No parameters. */
public final class Relu implements ParameterFreeLayer {
    private INDArray y;

    @Override
    public INDArray forward(INDArray input) {
        y = Transforms.relu(input, true);
        return y;
    }

    @Override
    public INDArray backward(INDArray g) {
        return g.mul(y.gt(0).castTo(g.dataType()));
    }
}

package org.sparktrain.zoo.contrastive.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.SplittableRandom;

/** y = max(x, 0) elementwise (ND4J); backward ∂x = g ⊙ [y &gt; 0]. No parameters. */
public final class Relu implements Layer {
    private INDArray y;

    @Override
    public long numParams() {
        return 0;
    }

    @Override
    public void bind(INDArray params, INDArray gradients) {
    }

    @Override
    public void initialize(SplittableRandom random) {
    }

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

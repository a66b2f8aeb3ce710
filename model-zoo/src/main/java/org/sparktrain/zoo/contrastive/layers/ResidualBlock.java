package org.sparktrain.zoo.contrastive.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A basic residual block without batch normalisation (He, Zhang, Ren, Sun, "Deep Residual Learning for Image
 * Recognition", CVPR 2016, arXiv 1512.03385):
 * <pre>
 *   y = relu( conv3x3(relu(conv3x3_s(x))) + shortcut(x) ),   shortcut = x            (in = out, s = 1)
 *                                                             shortcut = conv1x1_s(x) (otherwise)
 * </pre>
 * Backward: g' = g ⊙ [y &gt; 0] flows through both branches and ∂x is their sum. Parameters: the main branch's two
 * convolutions, then the shortcut's (if any).
 */
public final class ResidualBlock implements Layer {
    private final LayerStack main;
    private final Conv2d shortcut;
    private final Relu out = new Relu();

    public ResidualBlock(int in, int outChannels, int stride) {
        this.main = new LayerStack(List.of(Conv2d.same(in, outChannels, 3, stride), new Relu(),
                Conv2d.same(outChannels, outChannels, 3, 1)));
        this.shortcut = in == outChannels && stride == 1 ? null : new Conv2d(in, outChannels, 1, stride, 0);
    }

    @Override
    public long numParams() {
        return main.numParams() + (shortcut == null ? 0 : shortcut.numParams());
    }

    @Override
    public void tensors(String prefix, org.sparktrain.zoo.ParamTensors out) {
        main.tensors(prefix + ".main", out);
        if (shortcut != null) {
            shortcut.tensors(prefix + ".shortcut", out);
        }
    }

    @Override
    public void bind(INDArray params, INDArray gradients) {
        long m = main.numParams();
        main.bind(LayerStack.slice(params, 0, m), LayerStack.slice(gradients, 0, m));
        if (shortcut != null) {
            shortcut.bind(LayerStack.slice(params, m, shortcut.numParams()),
                    LayerStack.slice(gradients, m, shortcut.numParams()));
        }
    }

    @Override
    public void initialize(SplittableRandom random) {
        main.initialize(random);
        if (shortcut != null) {
            shortcut.initialize(random);
        }
    }

    @Override
    public INDArray forward(INDArray input) {
        INDArray sum = main.forward(input);
        sum.addi(shortcut == null ? input : shortcut.forward(input));
        return out.forward(sum);
    }

    @Override
    public INDArray backward(INDArray g) {
        INDArray gs = out.backward(g);
        INDArray gx = main.backward(gs);
        return gx.addi(shortcut == null ? gs : shortcut.backward(gs));
    }
}

package org.sparktrain.zoo.contrastive.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Layers applied in sequence; their parameters are consecutive blocks of one flat vector, in layer order.
 * Forward: y = l_k(...l_1(x)); backward: the chain rule in reverse order.
 */
public final class LayerStack implements Layer {
    private final List<Layer> layers;

    public LayerStack(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public long numParams() {
        return layers.stream().mapToLong(Layer::numParams).sum();
    }

    @Override
    public void tensors(String prefix, org.sparktrain.zoo.ParamTensors out) {
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).tensors(prefix + "." + i, out);
        }
    }

    @Override
    public void bind(INDArray params, INDArray gradients) {
        long at = 0;
        for (Layer l : layers) {
            long n = l.numParams();
            l.bind(slice(params, at, n), slice(gradients, at, n));
            at += n;
        }
    }

    /** Elements [from, from + n) of a vector (any shape with that many elements in row-major order), as a view. */
    static INDArray slice(INDArray flat, long from, long n) {
        INDArray v = flat.reshape(flat.length());
        return n == 0 ? null : v.get(NDArrayIndex.interval(from, from + n));
    }

    @Override
    public void initialize(SplittableRandom random) {
        for (Layer l : layers) {
            l.initialize(random);
        }
    }

    @Override
    public INDArray forward(INDArray input) {
        INDArray x = input;
        for (Layer l : layers) {
            x = l.forward(x);
        }
        return x;
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        INDArray g = outputGradient;
        for (int i = layers.size() - 1; i >= 0; i--) {
            g = layers.get(i).backward(g);
        }
        return g;
    }
}

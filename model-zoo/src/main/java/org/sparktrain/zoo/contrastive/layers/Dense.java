package org.sparktrain.zoo.contrastive.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Fully connected layer y = x W + b on ND4J matrix products: x (B×in), W (in×out, row-major), b (1×out).
 * Backward from g = ∂L/∂y: ∂W = xᵀ g, ∂b = 1ᵀ g, ∂x = g Wᵀ. Initialisation: b = 0, W ~ N(0, 2/in) (He, for a
 * ReLU after it) or N(0, 2/(in + out)) (Xavier, for an output layer).
 */
public final class Dense implements Layer {
    private final int in;
    private final int out;
    private final boolean heInit;
    private INDArray w;
    private INDArray b;
    private INDArray gw;
    private INDArray gb;
    private INDArray x;

    public Dense(int in, int out, boolean heInit) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("dense layer sizes must be positive, got " + in + " -> " + out);
        }
        this.in = in;
        this.out = out;
        this.heInit = heInit;
    }

    @Override
    public long numParams() {
        return (long) in * out + out;
    }

    @Override
    public void tensors(String prefix, org.sparktrain.zoo.ParamTensors out) {
        out.add(prefix + ".W", (long) in * this.out).add(prefix + ".b", this.out);
    }

    @Override
    public void bind(INDArray params, INDArray gradients) {
        long nw = (long) in * out;
        w = LayerStack.slice(params, 0, nw).reshape('c', in, out);
        b = LayerStack.slice(params, nw, out).reshape('c', 1, out);
        gw = LayerStack.slice(gradients, 0, nw).reshape('c', in, out);
        gb = LayerStack.slice(gradients, nw, out).reshape('c', 1, out);
    }

    @Override
    public void initialize(SplittableRandom random) {
        double std = heInit ? Math.sqrt(2.0 / in) : Math.sqrt(2.0 / (in + out));
        w.assign(Nd4j.createFromArray(Layer.normal(random, (long) in * out, std)).reshape('c', in, out));
        b.assign(0);
    }

    @Override
    public INDArray forward(INDArray input) {
        if (input.rank() != 2 || input.columns() != in) {
            throw new IllegalArgumentException("dense layer: expected (B, " + in + "), got "
                    + java.util.Arrays.toString(input.shape()));
        }
        x = input;
        return input.mmul(w).addiRowVector(b);
    }

    @Override
    public INDArray backward(INDArray g) {
        gw.assign(x.transpose().mmul(g));
        gb.assign(g.sum(true, 0));
        return g.mmul(w.transpose());
    }
}

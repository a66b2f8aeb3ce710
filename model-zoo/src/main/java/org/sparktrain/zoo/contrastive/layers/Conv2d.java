package org.sparktrain.zoo.contrastive.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * 2-D convolution on NCHW images with libnd4j's {@code conv2d} (forward) and {@code conv2d_bp} (backward) ops:
 * <pre>
 *   y[n, o, i, j] = b[o] + Σ_{c, u, v} W[o, c, u, v] · x[n, c, s·i + u − p, s·j + v − p]     (x = 0 outside)
 * </pre>
 * x (B, in, H, W) → y (B, out, H', W') with H' = (H + 2p − k)/s + 1 (integer division), kernel W (out, in, k, k)
 * (OIHW, row-major), bias b (out). conv2d_bp returns ∂x, ∂W and ∂b from ∂y. Initialisation: b = 0, W ~ N(0, 2/(in·k²))
 * (He, fan-in). Both ops run in float and in double (the gradient check runs in double).
 */
public final class Conv2d implements Layer {
    private static final int NCHW = 0;
    private static final int OIHW = 1;
    private static final int EXPLICIT_PADDING = 0;

    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private INDArray w;
    private INDArray b;
    private INDArray gw;
    private INDArray gb;
    private INDArray x;

    public Conv2d(int in, int out, int kernel, int stride, int padding) {
        if (in < 1 || out < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("conv2d: bad geometry in=" + in + " out=" + out + " kernel=" + kernel
                    + " stride=" + stride + " padding=" + padding);
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** A k×k convolution that keeps H×W at stride 1 (p = k/2, k odd). */
    public static Conv2d same(int in, int out, int kernel, int stride) {
        return new Conv2d(in, out, kernel, stride, kernel / 2);
    }

    /** Output side for an input side. */
    public int outputSize(int side) {
        return (side + 2 * padding - kernel) / stride + 1;
    }

    @Override
    public long numParams() {
        return (long) out * in * kernel * kernel + out;
    }

    @Override
    public void tensors(String prefix, org.sparktrain.zoo.ParamTensors out) {
        out.add(prefix + ".W", (long) this.out * in * kernel * kernel).add(prefix + ".b", this.out);
    }

    @Override
    public void bind(INDArray params, INDArray gradients) {
        long nw = (long) out * in * kernel * kernel;
        w = LayerStack.slice(params, 0, nw).reshape('c', out, in, kernel, kernel);
        b = LayerStack.slice(params, nw, out);
        gw = LayerStack.slice(gradients, 0, nw).reshape('c', out, in, kernel, kernel);
        gb = LayerStack.slice(gradients, nw, out);
    }

    @Override
    public void initialize(SplittableRandom random) {
        long nw = (long) out * in * kernel * kernel;
        w.assign(Nd4j.createFromArray(Layer.normal(random, nw, Math.sqrt(2.0 / (in * kernel * kernel))))
                .reshape('c', out, in, kernel, kernel));
        b.assign(0);
    }

    private int[] args() {
        return new int[]{kernel, kernel, stride, stride, padding, padding, 1, 1, EXPLICIT_PADDING, NCHW, OIHW};
    }

    @Override
    public INDArray forward(INDArray input) {
        if (input.rank() != 4 || input.size(1) != in) {
            throw new IllegalArgumentException("conv2d: expected (B, " + in + ", H, W), got "
                    + java.util.Arrays.toString(input.shape()));
        }
        x = input;
        INDArray y = Nd4j.create(input.dataType(), input.size(0), out, outputSize((int) input.size(2)),
                outputSize((int) input.size(3)));
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(input, w, b).addOutputs(y)
                .addIntegerArguments(args()).build());
        return y;
    }

    @Override
    public INDArray backward(INDArray g) {
        INDArray gx = Nd4j.create(x.dataType(), x.shape());
        INDArray gwOut = Nd4j.create(w.dataType(), w.shape());
        INDArray gbOut = Nd4j.create(b.dataType(), b.shape());
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, b, g.dup('c'))
                .addOutputs(gx, gwOut, gbOut).addIntegerArguments(args()).build());
        gw.assign(gwOut);
        gb.assign(gbOut);
        return gx;
    }
}

package org.sparktrain.zoo;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.same.Sign;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * The forward and backward pass of LeNet-5 for one fixed batch size: every activation and gradient buffer is
 * allocated once and each of the ~40 libnd4j ops is bound once ({@link NativeOpCall}) to its buffers and to views of
 * the parameter and gradient blocks ({@link LeNet5Geometry}), so a training step allocates no arrays.
 *
 * <p>Forward (b = batch rows; NHWC for the first layer, NCHW after it):
 * <pre>
 *   x  (b, C, H, W)          features reshaped (C &gt; 1: also copied to NHWC)
 *   a1 (b, H, W, 6)          conv2d_same(x, W1)                            [NHWC; bias added after pooling]
 *   p1 (b, 6, H1, W1)        relu(maxpool(a1) + b1)                        [pool writes NCHW through a strided view]
 *   a2 (b, 16, H1-4, W1-4)   conv2d_valid(p1, W2) + b2
 *   p2 (b, 16, H2, W2)       relu(maxpool(a2)),  h2 = p2 as (b, F)
 *   z3 = relu(h2 W3 + b3) (b, 120),  z4 = relu(z3 W4 + b4) (b, 84),  z5 = z4 W5 + b5 (b, K) logits
 * </pre>
 * This is exactly DL4J's function: max-pooling commutes with ReLU and with adding a per-map constant (float
 * addition and max are monotone), so relu and the first bias run on the 4x smaller pooled maps.
 *
 * <p>Backward, given g5 = dL/dz5 (b, K); [v &gt; 0] is the ReLU derivative, taken from the ReLU output as sign(v):
 * <pre>
 *   dW5^T = g5^T z4, db5 = column sums of g5, g4 = (g5 W5^T) * [z4 &gt; 0]     (likewise for layers 4 and 3)
 *   gp2 = (g3 W3^T as (b, 16, H2, W2)) * [p2 &gt; 0],  db2 = sum_{n,y,x} gp2,  ga2 = maxpool_bp(a2, gp2)
 *   dW2[o, c, u, v] = sum_{n,y,x} ga2[n, o, y, x] p1[n, c, y + u, x + v]
 *   gp1 = deconv2d(ga2, W2) * [p1 &gt; 0],  db1 = sum_{n,y,x} gp1,  ga1 = maxpool_bp(a1, gp1)
 *   dW1[o, c, u, v] = sum_{n,y,x} ga1[n, y, x, o] xpad[n, c, y + u, x + v]      (xpad: x padded by 2)
 * </pre>
 * Max-pool backward moves each pooled gradient to exactly one position, so the bias gradients are sums of the
 * pooled gradients. Each weight gradient is one convolution in which the batch plays the input channels: input
 * p1 (or x) permuted to (6, b, H1, W1) (or (C, b, H, W) padded by 2), kernel ga2 permuted to (16, b, H1-4, W1-4)
 * (or ga1 to (6, b, H, W)), output dW permuted to (in, out, 5, 5). Compared with libnd4j's conv2d_bp this skips
 * the first layer's unused input gradient (7x faster for C = 1 with oneDNN) and, for the second layer, the
 * split into this convolution plus deconv2d for the input gradient runs in 2/3 of conv2d_bp's time.
 */
final class LeNet5Pass implements AutoCloseable {
    private static final long SAME = 1;
    private static final long VALID = 0;
    private static final long NCHW = 0;
    private static final long OIHW = 1;
    private static final long NHWC = 1;

    private final LeNet5Geometry geo;
    private final int batch;
    private final INDArray x;
    private final INDArray logits;
    private final INDArray logitsGrad;
    private final List<NativeOpCall> forward = new ArrayList<>();
    private final List<NativeOpCall> backward = new ArrayList<>();

    LeNet5Pass(LeNet5Geometry geo, DataType type, int batch, LeNet5Geometry.Blocks p, LeNet5Geometry.Blocks g) {
        this.geo = geo;
        this.batch = batch;
        int c = geo.channels(), h = geo.height(), w = geo.width();
        int h1 = geo.pool1Height(), w1 = geo.pool1Width(), h2c = geo.conv2Height(), w2c = geo.conv2Width();
        int h2 = geo.pool2Height(), w2 = geo.pool2Width(), f = geo.flatSize(), k = geo.numClasses();
        int m1 = LeNet5Geometry.MAPS1, m2 = LeNet5Geometry.MAPS2, n3 = LeNet5Geometry.HIDDEN1, n4 = LeNet5Geometry.HIDDEN2;
        int kk = LeNet5Geometry.KERNEL;

        x = Nd4j.create(type, batch, c, h, w);
        INDArray a1 = Nd4j.create(type, batch, h, w, m1);
        INDArray p1 = Nd4j.create(type, batch, m1, h1, w1);
        INDArray a2 = Nd4j.create(type, batch, m2, h2c, w2c);
        INDArray p2 = Nd4j.create(type, batch, m2, h2, w2);
        INDArray h2flat = p2.reshape(batch, f);
        INDArray z3 = Nd4j.create(type, batch, n3);
        INDArray z4 = Nd4j.create(type, batch, n4);
        logits = Nd4j.create(type, batch, k);

        logitsGrad = Nd4j.create(type, batch, k);
        INDArray g4 = Nd4j.create(type, batch, n4);
        INDArray g3 = Nd4j.create(type, batch, n3);
        INDArray gp2 = Nd4j.create(type, batch, m2, h2, w2);
        INDArray gh2 = gp2.reshape(batch, f);
        INDArray ga2 = Nd4j.create(type, batch, m2, h2c, w2c);
        INDArray gp1 = Nd4j.create(type, batch, m1, h1, w1);
        INDArray ga1 = Nd4j.create(type, batch, h, w, m1);

        long[] pool = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, NCHW};
        long[] pool1 = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, NHWC};
        long[] conv1 = {kk, kk, 1, 1, 0, 0, 1, 1, SAME, NHWC, OIHW};
        long[] conv2 = {kk, kk, 1, 1, 0, 0, 1, 1, VALID, NCHW, OIHW};
        long pad = kk / 2;
        long[] conv1WeightGrad = {h, w, 1, 1, pad, pad, 1, 1, VALID, NCHW, OIHW};
        long[] conv2WeightGrad = {h2c, w2c, 1, 1, 0, 0, 1, 1, VALID, NCHW, OIHW};

        // oneDNN's conv2d reads a strided NHWC view wrongly (seen here: garbage for C = 3), so C > 1 gets a copy
        INDArray xNhwc = c == 1 ? x.reshape(batch, h, w, 1) : Nd4j.create(type, batch, h, w, c);
        if (c > 1) {
            forward.add(NativeOpCall.of("permute", arrays(x), arrays(xNhwc), 0, 2, 3, 1));
        }
        forward.add(NativeOpCall.of("conv2d", arrays(xNhwc, p.w1()), arrays(a1), conv1));
        forward.add(NativeOpCall.of("maxpool2d", arrays(a1), arrays(p1.permute(0, 2, 3, 1)), pool1));
        forward.add(new NativeOpCall("biasadd", arrays(p1, p.b1()), arrays(p1), new long[0], new double[0],
                new boolean[]{true}));
        forward.add(relu(p1));
        forward.add(NativeOpCall.of("conv2d", arrays(p1, p.w2(), p.b2()), arrays(a2), conv2));
        forward.add(NativeOpCall.of("maxpool2d", arrays(a2), arrays(p2), pool));
        forward.add(relu(p2));
        dense(h2flat, p.w3(), p.b3(), z3, true);
        dense(z3, p.w4(), p.b4(), z4, true);
        dense(z4, p.w5(), p.b5(), logits, false);

        denseBackward(z4, logitsGrad, p.w5(), g.w5(), g.b5(), g4, z4);
        denseBackward(z3, g4, p.w4(), g.w4(), g.b4(), g3, z3);
        denseBackward(h2flat, g3, p.w3(), g.w3(), g.b3(), gh2, p2.reshape(batch, f));
        backward.add(sum(gp2, g.b2()));
        backward.add(NativeOpCall.of("maxpool2d_bp", arrays(a2, gp2), arrays(ga2), pool));
        backward.add(NativeOpCall.of("conv2d", arrays(p1.permute(1, 0, 2, 3), ga2.permute(1, 0, 2, 3)),
                arrays(g.w2().permute(1, 0, 2, 3)), conv2WeightGrad));
        backward.add(NativeOpCall.of("deconv2d", arrays(ga2, p.w2()), arrays(gp1), conv2));
        reluBackward(p1, gp1);
        backward.add(sum(gp1, g.b1()));
        backward.add(NativeOpCall.of("maxpool2d_bp", arrays(a1, gp1.permute(0, 2, 3, 1)), arrays(ga1), pool1));
        backward.add(NativeOpCall.of("conv2d", arrays(x.permute(1, 0, 2, 3), ga1.permute(3, 0, 1, 2)),
                arrays(g.w1().permute(1, 0, 2, 3)), conv1WeightGrad));
    }

    /** out = sums of an NCHW tensor over batch and space (the gradient of a per-channel bias). */
    private static NativeOpCall sum(INDArray nchw, INDArray out) {
        return new NativeOpCall("reduce_sum", arrays(nchw), arrays(out), new long[]{0, 2, 3}, new double[0],
                new boolean[]{false});
    }

    int batch() {
        return batch;
    }

    /** Runs the forward pass on features (batch, C*H*W); the logits are then in {@link #logits()}. */
    void forward(INDArray features) {
        x.assign(features.reshape(batch, geo.channels(), geo.height(), geo.width()));
        for (NativeOpCall op : forward) {
            op.run();
        }
    }

    /** Logits of the last forward pass, row-major (batch * K). */
    double[] logits() {
        return logits.data().asDouble();
    }

    /** Runs the backward pass for dL/dlogits (row-major, batch * K), writing into the gradient blocks. */
    void backward(double[] logitsGradient) {
        if (logitsGrad.dataType() == DataType.DOUBLE) {
            logitsGrad.data().setData(logitsGradient);
        } else {
            float[] g = new float[logitsGradient.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) logitsGradient[i];
            }
            logitsGrad.data().setData(g);
        }
        for (NativeOpCall op : backward) {
            op.run();
        }
    }

    private void dense(INDArray in, INDArray weights, INDArray bias, INDArray out, boolean relu) {
        forward.add(matmul(in, weights, out, false, false));
        forward.add(NativeOpCall.of("biasadd", arrays(out, bias), arrays(out)));
        if (relu) {
            forward.add(relu(out));
        }
    }

    /**
     * dW = in^T g (written as dW^T = g^T in into the row-major transpose view of the column-major block, which
     * oneDNN runs faster), db = column sums of g, gIn = (g W^T) * [act &gt; 0].
     */
    private void denseBackward(INDArray in, INDArray g, INDArray weights, INDArray gWeights, INDArray gBias,
                               INDArray gIn, INDArray activation) {
        backward.add(matmul(g, in, gWeights.transpose(), true, false));
        backward.add(new NativeOpCall("reduce_sum", arrays(g), arrays(gBias), new long[]{0}, new double[0],
                new boolean[]{false}));
        backward.add(matmul(g, weights, gIn, false, true));
        reluBackward(activation.reshape(gIn.shape()), gIn);
    }

    private static NativeOpCall matmul(INDArray a, INDArray b, INDArray out, boolean transposeA, boolean transposeB) {
        return new NativeOpCall("matmul", arrays(a, b), arrays(out),
                new long[]{transposeA ? 1 : 0, transposeB ? 1 : 0, 0}, new double[]{1.0, 0.0}, new boolean[0]);
    }

    private static NativeOpCall relu(INDArray inPlace) {
        return new NativeOpCall("relu", arrays(inPlace), arrays(inPlace), new long[0], new double[]{0.0}, new boolean[0]);
    }

    /**
     * g *= [activation &gt; 0] in place, for a ReLU output (so &gt;= 0): mask = sign(activation), then a multiply.
     * libnd4j's relu_bp computes the same but runs ~6x slower (a scalar lambda per element).
     */
    private void reluBackward(INDArray activation, INDArray g) {
        INDArray mask = Nd4j.create(activation.dataType(), activation.shape());
        backward.add(NativeOpCall.legacy(new Sign(activation, mask)));
        backward.add(NativeOpCall.of("multiply", arrays(g, mask), arrays(g)));
    }

    private static INDArray[] arrays(INDArray... a) {
        return a;
    }

    @Override
    public void close() {
        forward.forEach(NativeOpCall::close);
        backward.forEach(NativeOpCall::close);
    }
}

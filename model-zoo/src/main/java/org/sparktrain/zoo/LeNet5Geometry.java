package org.sparktrain.zoo;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Tensor sizes of LeNet-5 ({@link LeNet5Model}) for one input shape and class count, and the layout of its flat
 * parameter vector, which is exactly DL4J's {@code MultiLayerNetwork.params()} layout for that network.
 *
 * <p>Sizes: input (C, H, W) -&gt; conv 5x5 same (6, H, W) -&gt; max-pool 2x2/2 (6, H1, W1) with H1 = floor(H/2)
 * -&gt; conv 5x5 valid (16, H1-4, W1-4) -&gt; max-pool 2x2/2 (16, H2, W2) with H2 = floor((H1-4)/2) -&gt;
 * flatten F = 16*H2*W2 (channel-major, as DL4J's CnnToFeedForwardPreProcessor) -&gt; 120 -&gt; 84 -&gt; K.
 *
 * <p>Parameter blocks in order (DL4J: convolution layers store bias then weights, dense layers weights then bias;
 * dense weights are column-major):
 * <pre>
 *   b1 [6]            W1 [6, C, 5, 5] row-major (out, in, kh, kw)
 *   b2 [16]           W2 [16, 6, 5, 5] row-major
 *   W3 [F, 120] col-major (element (i, j) at i + F*j)    b3 [120]
 *   W4 [120, 84] col-major                              b4 [84]
 *   W5 [84, K] col-major                                b5 [K]
 * </pre>
 */
record LeNet5Geometry(int channels, int height, int width, int numClasses) {
    static final int KERNEL = 5;
    static final int MAPS1 = 6;
    static final int MAPS2 = 16;
    static final int HIDDEN1 = 120;
    static final int HIDDEN2 = 84;

    LeNet5Geometry {
        if (height < 12 || width < 12) {
            throw new IllegalArgumentException("LeNet-5 needs images of at least 12x12, got " + channels + "x" + height + "x" + width);
        }
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be positive, got " + channels);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
        }
    }

    static LeNet5Geometry of(ImageShape shape, int numClasses) {
        return new LeNet5Geometry(shape.channels(), shape.height(), shape.width(), numClasses);
    }

    int inputSize() {
        return channels * height * width;
    }

    int pool1Height() {
        return height / 2;
    }

    int pool1Width() {
        return width / 2;
    }

    int conv2Height() {
        return pool1Height() - KERNEL + 1;
    }

    int conv2Width() {
        return pool1Width() - KERNEL + 1;
    }

    int pool2Height() {
        return conv2Height() / 2;
    }

    int pool2Width() {
        return conv2Width() / 2;
    }

    /** F, the width of the flattened second pooling output. */
    int flatSize() {
        return MAPS2 * pool2Height() * pool2Width();
    }

    long numParams() {
        return MAPS1 + (long) MAPS1 * channels * KERNEL * KERNEL
                + MAPS2 + (long) MAPS2 * MAPS1 * KERNEL * KERNEL
                + (long) flatSize() * HIDDEN1 + HIDDEN1
                + (long) HIDDEN1 * HIDDEN2 + HIDDEN2
                + (long) HIDDEN2 * numClasses + numClasses;
    }

    /** Views of the ten parameter blocks of a flat (1, numParams) vector; writes through to it. */
    Blocks blocks(INDArray flat) {
        if (flat.length() != numParams()) {
            throw new IllegalArgumentException("expected a vector of " + numParams() + " parameters, got shape "
                    + java.util.Arrays.toString(flat.shape()));
        }
        INDArray v = flat.reshape(flat.length());
        long[] at = {0};
        java.util.function.LongFunction<INDArray> next = n -> {
            INDArray block = v.get(NDArrayIndex.interval(at[0], at[0] + n));
            at[0] += n;
            return block;
        };
        INDArray b1 = next.apply(MAPS1);
        INDArray w1 = next.apply((long) MAPS1 * channels * KERNEL * KERNEL).reshape('c', MAPS1, channels, KERNEL, KERNEL);
        INDArray b2 = next.apply(MAPS2);
        INDArray w2 = next.apply((long) MAPS2 * MAPS1 * KERNEL * KERNEL).reshape('c', MAPS2, MAPS1, KERNEL, KERNEL);
        INDArray w3 = next.apply((long) flatSize() * HIDDEN1).reshape('f', flatSize(), HIDDEN1);
        INDArray b3 = next.apply(HIDDEN1);
        INDArray w4 = next.apply((long) HIDDEN1 * HIDDEN2).reshape('f', HIDDEN1, HIDDEN2);
        INDArray b4 = next.apply(HIDDEN2);
        INDArray w5 = next.apply((long) HIDDEN2 * numClasses).reshape('f', HIDDEN2, numClasses);
        INDArray b5 = next.apply(numClasses);
        return new Blocks(b1, w1, b2, w2, w3, b3, w4, b4, w5, b5);
    }

    /** The parameter (or gradient) blocks; weights of dense layers are (in, out) column-major views. */
    record Blocks(INDArray b1, INDArray w1, INDArray b2, INDArray w2, INDArray w3, INDArray b3, INDArray w4,
                  INDArray b4, INDArray w5, INDArray b5) {
    }
}

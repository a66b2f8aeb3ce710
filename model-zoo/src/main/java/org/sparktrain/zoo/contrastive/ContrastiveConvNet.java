package org.sparktrain.zoo.contrastive;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.zoo.ImageShape;
import org.sparktrain.zoo.contrastive.layers.Conv2d;
import org.sparktrain.zoo.contrastive.layers.Dense;
import org.sparktrain.zoo.contrastive.layers.GlobalAveragePool;
import org.sparktrain.zoo.contrastive.layers.Layer;
import org.sparktrain.zoo.contrastive.layers.LayerStack;
import org.sparktrain.zoo.contrastive.layers.MaxPool2;
import org.sparktrain.zoo.contrastive.layers.Relu;
import org.sparktrain.zoo.contrastive.layers.Reshape;
import org.sparktrain.zoo.contrastive.layers.ResidualBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Convolutional encoders with a 2-layer projection head for contrastive learning, with hand-written forward and
 * backward passes over {@link Layer}s on ND4J / libnd4j ops (conv2d, conv2d_bp, maxpool2d, maxpool2d_bp, matrix
 * products; no DL4J layers, no SameDiff). Inputs x (B×D) are flattened C×H×W images, row-major.
 *
 * <p>{@link #lenet}: a LeNet-5-style encoder (LeCun et al., Proc. IEEE 1998):
 * <pre>
 *   conv5x5 same (6) → relu → maxpool 2 → conv5x5 valid (16) → relu → maxpool 2 → flatten (16·H₂·W₂)
 *   → dense H → relu → dense F → relu = f
 * </pre>
 * {@link #resnet}: a small ResNet without batch normalisation (He et al., CVPR 2016; CIFAR-style 3×3 stem, no
 * max-pool, as in the spec's unimodal setting):
 * <pre>
 *   conv3x3 (w) → relu → block(w→w, s1) → block(w→2w, s2) → block(2w→4w, s2) → global average pool (4w)
 *   → dense F → relu = f
 * </pre>
 * Head (both): q = relu(f W + b) (B×Q), z = q W' + b' (B×P). As in SimCLR (Chen et al., ICML 2020, arXiv
 * 2002.05709) the head is used only for training; the linear probe uses f. No batch normalisation (see
 * {@link ContrastiveEncoder}). Parameters: one flat (1×N) vector, the encoder's layers then the head's, each layer's
 * weights then bias (convolution kernels OIHW row-major, dense weights (in, out) row-major). Initialisation from a
 * seeded {@link SplittableRandom}: biases 0, He normal for layers followed by a ReLU, Xavier normal for the projection.
 */
public final class ContrastiveConvNet implements ContrastiveEncoder {
    public static final String LENET_CITATION = "Y. LeCun, L. Bottou, Y. Bengio, P. Haffner. Gradient-based learning "
            + "applied to document recognition. Proc. IEEE 86(11), 1998";
    public static final String RESNET_CITATION = "K. He, X. Zhang, S. Ren, J. Sun. Deep Residual Learning for Image "
            + "Recognition. CVPR 2016 (arXiv 1512.03385)";

    private final ImageShape shape;
    private final int features;
    private final int projection;
    private final DataType dataType;
    private final LayerStack encoder;
    private final LayerStack head;
    private final INDArray params;
    private final INDArray gradients;
    private long passes;

    private ContrastiveConvNet(ImageShape shape, List<Layer> encoderLayers, int features, int headHidden,
                               int projection, long seed, DataType dataType) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
        if (features < 1 || headHidden < 1 || projection < 1) {
            throw new IllegalArgumentException("features, headHidden and projection must be positive, got "
                    + features + ", " + headHidden + ", " + projection);
        }
        this.shape = shape;
        this.features = features;
        this.projection = projection;
        this.dataType = dataType;
        this.encoder = new LayerStack(encoderLayers);
        this.head = new LayerStack(List.of(new Dense(features, headHidden, true), new Relu(),
                new Dense(headHidden, projection, false)));
        long n = encoder.numParams() + head.numParams();
        this.params = Nd4j.zeros(dataType, 1, n);
        this.gradients = Nd4j.zeros(dataType, 1, n);
        LayerStack all = new LayerStack(List.of(encoder, head));
        all.bind(params, gradients);
        all.initialize(new SplittableRandom(seed));
    }

    /**
     * LeNet-style encoder (see the class comment).
     *
     * @param hidden H, the first dense layer's width (LeNet-5: 120)
     */
    public static ContrastiveConvNet lenet(ImageShape shape, int hidden, int features, int headHidden, int projection,
                                           long seed, DataType dataType) {
        if (shape.height() < 12 || shape.width() < 12) {
            throw new IllegalArgumentException("the LeNet encoder needs images of at least 12x12, got " + shape);
        }
        int h2 = (shape.height() / 2 - 4) / 2;
        int w2 = (shape.width() / 2 - 4) / 2;
        List<Layer> layers = List.of(new Reshape(shape.channels(), shape.height(), shape.width()),
                Conv2d.same(shape.channels(), 6, 5, 1), new Relu(), new MaxPool2(),
                new Conv2d(6, 16, 5, 1, 0), new Relu(), new MaxPool2(),
                new Reshape((long) 16 * h2 * w2), new Dense(16 * h2 * w2, hidden, true), new Relu(),
                new Dense(hidden, features, true), new Relu());
        return new ContrastiveConvNet(shape, layers, features, headHidden, projection, seed, dataType);
    }

    /**
     * Small ResNet encoder (see the class comment).
     *
     * @param width w, the stem's channels (the blocks have w, 2w, 4w)
     */
    public static ContrastiveConvNet resnet(ImageShape shape, int width, int features, int headHidden, int projection,
                                            long seed, DataType dataType) {
        if (width < 1) {
            throw new IllegalArgumentException("resnet width must be positive, got " + width);
        }
        List<Layer> layers = new ArrayList<>(List.of(new Reshape(shape.channels(), shape.height(), shape.width()),
                Conv2d.same(shape.channels(), width, 3, 1), new Relu(),
                new ResidualBlock(width, width, 1), new ResidualBlock(width, 2 * width, 2),
                new ResidualBlock(2 * width, 4 * width, 2), new GlobalAveragePool(),
                new Dense(4 * width, features, true), new Relu()));
        return new ContrastiveConvNet(shape, layers, features, headHidden, projection, seed, dataType);
    }

    @Override
    public org.sparktrain.zoo.ParamTensors tensors() {
        org.sparktrain.zoo.ParamTensors out = new org.sparktrain.zoo.ParamTensors();
        encoder.tensors("encoder", out);
        head.tensors("head", out);
        return out;
    }

    @Override
    public long numParams() {
        return params.length();
    }

    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public int inputs() {
        return shape.size();
    }

    @Override
    public int featureSize() {
        return features;
    }

    @Override
    public int projectionSize() {
        return projection;
    }

    @Override
    public DataType dataType() {
        return dataType;
    }

    @Override
    public Pass forward(INDArray x) {
        if (x.rank() != 2 || x.columns() != shape.size()) {
            throw new IllegalArgumentException("inputs: expected (B, " + shape.size() + ") for images " + shape
                    + ", got shape " + java.util.Arrays.toString(x.shape()));
        }
        INDArray f = encoder.forward(x.castTo(dataType));
        INDArray z = head.forward(f);
        return new ConvPass(f, z, ++passes);
    }

    @Override
    public void backward(ContrastiveEncoder.Pass pass, INDArray gradZ, INDArray gradientOut) {
        if (!(pass instanceof ConvPass p) || p.id != passes) {
            throw new IllegalArgumentException("pass: not the latest forward pass of this network (its layers keep "
                    + "only the latest activations)");
        }
        if (gradientOut.length() != numParams()) {
            throw new IllegalArgumentException("gradientOut: expected " + numParams() + " values, got "
                    + gradientOut.length());
        }
        INDArray g = gradZ.castTo(dataType);
        if (g.rows() != p.projection().rows() || g.columns() != p.projection().columns()) {
            throw new IllegalArgumentException("gradZ: expected shape " + java.util.Arrays.toString(p.projection().shape())
                    + ", got " + java.util.Arrays.toString(g.shape()));
        }
        encoder.backward(head.backward(g));
        gradientOut.assign(gradients.reshape(gradientOut.shape()));
    }

    @Override
    public INDArray features(INDArray x) {
        return forward(x).features();
    }

    private record ConvPass(INDArray features, INDArray projection, long id) implements Pass {
    }
}

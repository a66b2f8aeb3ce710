package org.sparktrain.zoo;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * LeNet-5 convolutional classifier (DL4J {@code MultiLayerNetwork}).
 *
 * <p>Architecture (input C x H x W, flattened row-major as stored in prepared datasets):
 * conv 5x5 same-padding, 6 maps, ReLU -&gt; max-pool 2x2/2 -&gt; conv 5x5 valid, 16 maps, ReLU -&gt; max-pool 2x2/2
 * -&gt; dense 120 ReLU -&gt; dense 84 ReLU -&gt; dense K softmax. On 1x28x28 MNIST: 28x28x6 -&gt; 14x14x6 -&gt; 10x10x16
 * -&gt; 5x5x16 = 400 -&gt; 120 -&gt; 84 -&gt; 10, i.e. 61,706 parameters.
 *
 * <p>Loss: mean multi-class cross-entropy {@code -(1/B) sum_b log softmax(z_b)[y_b]} over a batch of B
 * examples; features (B, C*H*W), one-hot labels (B, K). ReLU and max-pooling replace the original tanh and
 * average sub-sampling, as in most modern reproductions; weights use He (ReLU) initialisation.
 *
 * <p>Reference: Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to document
 * recognition", Proceedings of the IEEE 86(11), 1998.
 */
public final class LeNet5Model {
    public static final String CITATION = "Y. LeCun, L. Bottou, Y. Bengio, P. Haffner. Gradient-based learning applied "
            + "to document recognition. Proceedings of the IEEE 86(11):2278-2324, 1998.";

    private LeNet5Model() {
    }

    /**
     * @param shape      input image shape (C, H, W); H and W at least 12
     * @param numClasses number of output classes K
     * @param seed       weight-initialisation seed
     * @param updater    updater DL4J uses when the network is trained with its own {@code fit}; sparktrain's engine
     *                   applies its own updater to the flat parameter vector and ignores this one
     */
    public static MultiLayerConfiguration configuration(ImageShape shape, int numClasses, long seed, IUpdater updater) {
        if (shape.height() < 12 || shape.width() < 12) {
            throw new IllegalArgumentException("LeNet-5 needs images of at least 12x12, got " + shape);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
        }
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(updater)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nIn(shape.channels()).nOut(6).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(120).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(84).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(numClasses)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.convolutionalFlat(shape.height(), shape.width(), shape.channels()))
                .build();
    }
}

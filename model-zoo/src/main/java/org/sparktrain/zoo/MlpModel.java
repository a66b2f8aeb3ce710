package org.sparktrain.zoo;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/**
 * Multi-layer perceptron classifier (DL4J {@code MultiLayerNetwork}).
 *
 * <p>Math: h_0 = x in R^d, h_l = ReLU(W_l h_{l-1} + b_l) for each hidden width in {@code hidden},
 * p = softmax(W_out h_L + b_out) in R^K. Loss: mean multi-class cross-entropy over the batch.
 * Shapes: features (B, d), one-hot labels (B, K). With d = 784, hidden [256], K = 10: 203,530 parameters.
 *
 * <p>Reference: D. E. Rumelhart, G. E. Hinton, R. J. Williams, "Learning representations by back-propagating
 * errors", Nature 323, 1986.
 */
public final class MlpModel {
    public static final String CITATION = "D. E. Rumelhart, G. E. Hinton, R. J. Williams. Learning representations by "
            + "back-propagating errors. Nature 323:533-536, 1986.";

    private MlpModel() {
    }

    public static MultiLayerConfiguration configuration(int numInputs, List<Integer> hidden, int numClasses, long seed,
                                                        IUpdater updater) {
        if (numInputs <= 0) {
            throw new IllegalArgumentException("numInputs must be positive, got " + numInputs);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
        }
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(updater)
                .list();
        int in = numInputs;
        for (int width : hidden) {
            list.layer(new DenseLayer.Builder().nIn(in).nOut(width).activation(Activation.RELU).build());
            in = width;
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(in).nOut(numClasses)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build());
        return list.build();
    }
}

package org.sparktrain.engine;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.engine.optim.TensorLayout;

/**
 * Adapts a DL4J {@link MultiLayerNetwork} whose output layer is a softmax classifier to the engine's
 * {@link Trainable} contract. DL4J's {@code computeGradientAndScore} already yields the gradient of the loss summed
 * over the batch (DL4J's own updater divides by the batch size later) and the batch-mean score, so the adapter
 * reports {@code score x n} as the loss sum and {@code n} as the weight. Regularisation terms are not used.
 *
 * <p>Columns: {@code features} (width = network input size) and an integer class index {@code label}.
 */
public final class MultiLayerTrainable implements Trainable {
    public static final String FEATURES = "features";
    public static final String LABEL = "label";

    private final MultiLayerNetwork net;
    private final int numClasses;
    private TensorLayout layout;

    public MultiLayerTrainable(MultiLayerNetwork net, int numClasses) {
        this.net = net;
        this.numClasses = numClasses;
        if (net.getFlattenedGradients() == null) {
            net.initGradientsView();
        }
    }

    public MultiLayerNetwork network() {
        return net;
    }

    @Override
    public long numParams() {
        return net.numParams();
    }

    @Override
    public INDArray params() {
        return net.params();
    }

    @Override
    public StepResult computeGradient(Batch batch, StepContext context) {
        INDArray x = batch.matrix(FEATURES);
        INDArray y = batch.oneHot(LABEL, numClasses);
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        return new StepResult(net.score() * batch.size(), batch.size());
    }

    @Override
    public INDArray gradient() {
        return net.getFlattenedGradients();
    }

    /** One tensor per entry of DL4J's {@code paramTable()} (e.g. {@code 0_W}, {@code 0_b}), placed by buffer offset. */
    @Override
    public TensorLayout layout() {
        if (layout == null) {
            layout = TensorLayout.ofViews(net.paramTable(), net.params());
        }
        return layout;
    }
}

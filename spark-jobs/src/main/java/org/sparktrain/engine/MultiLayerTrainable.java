package org.sparktrain.engine;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.sparktrain.engine.optim.TensorLayout;

/**
 * Adapts a DL4J {@link MultiLayerNetwork} whose output layer is a softmax classifier to the engine's
 * {@link Trainable} contract. DL4J's {@code computeGradientAndScore} already yields the gradient of the loss summed
 * over the batch (DL4J's own updater divides by the batch size later) and the batch-mean score, so the adapter
 * reports {@code score x n} as the loss sum and {@code n} as the weight. Regularisation terms are not used.
 *
 * <p>Columns: {@code features} (width = network input size) and an integer class index {@code label}.
 *
 * <p><b>Per-record weights</b> (a selection written by {@code select}, see docs/selection.md): with a weight column
 * the batch loss is Σ_i s·w_i·ℓ_i and its gradient Σ_i s·w_i·∇ℓ_i, where ℓ_i is the cross-entropy of record i, w_i
 * its weight and s a constant scale; the weight reported to the engine stays the example count, so the engine's
 * loss is (1/B)·Σ_i s·w_i·ℓ_i. The weights travel in the label rows (s·w_i·onehot) and the output layer's MCXENT loss
 * is swapped for {@link WeightedCrossEntropyLoss} during the call (DL4J's own labels mask cannot weight: it also
 * scales the pre-output). With s = R/n (R rows in the selection,
 * n records in the full set) and w_i = multiplicity_i/(m·p_i), the expectation of this batch loss over uniformly drawn
 * batches of the selection and over the draws of the selection is the full-data mean loss (1/n)·Σ_x ℓ(x). Without a
 * weight column nothing changes: no mask is set.
 */
public final class MultiLayerTrainable implements Trainable {
    public static final String FEATURES = "features";
    public static final String LABEL = "label";

    private final MultiLayerNetwork net;
    private static final WeightedCrossEntropyLoss WEIGHTED = new WeightedCrossEntropyLoss();
    private final int numClasses;
    private final String weightColumn;
    private final double weightScale;
    private TensorLayout layout;

    public MultiLayerTrainable(MultiLayerNetwork net, int numClasses) {
        this(net, numClasses, null, 1.0);
    }

    /**
     * A trainable whose examples are weighted by {@code weightScale x} the batch column {@code weightColumn} (of
     * width 1), or unweighted when {@code weightColumn} is null.
     */
    public MultiLayerTrainable(MultiLayerNetwork net, int numClasses, String weightColumn, double weightScale) {
        if (!(weightScale > 0) || Double.isInfinite(weightScale)) {
            throw new IllegalArgumentException("weightScale must be positive and finite, got " + weightScale);
        }
        this.net = net;
        this.numClasses = numClasses;
        this.weightColumn = weightColumn;
        this.weightScale = weightScale;
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
        if (weightColumn == null) {
            net.computeGradientAndScore();
            return new StepResult(net.score() * batch.size(), batch.size());
        }
        float[] w = batch.rows(weightColumn);
        float[] scaled = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            scaled[i] = (float) (weightScale * w[i]);
        }
        net.setLabels(y.muliColumnVector(Nd4j.create(scaled, new long[]{w.length, 1}, 'c')));
        org.deeplearning4j.nn.conf.layers.BaseOutputLayer output = outputLayerConf();
        ILossFunction original = output.getLossFn();
        output.setLossFn(WEIGHTED);
        try {
            net.computeGradientAndScore();
        } finally {
            output.setLossFn(original);
        }
        return new StepResult(net.score() * batch.size(), batch.size());
    }

    private org.deeplearning4j.nn.conf.layers.BaseOutputLayer outputLayerConf() {
        if (!(net.getOutputLayer().conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseOutputLayer out)
                || !(out.getLossFn() instanceof LossMCXENT)) {
            throw new IllegalStateException("per-record weights need a softmax cross-entropy (MCXENT) output layer");
        }
        return out;
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

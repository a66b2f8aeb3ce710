package org.sparktrain.jobs.classifier;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.MultiLayerTrainable;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.optim.TensorLayout;
import org.sparktrain.zoo.ClassifierModelConfig;
import org.sparktrain.zoo.ClassifierNetworks;
import org.sparktrain.zoo.FastLeNet5Model;
import org.sparktrain.zoo.ImageShape;

/**
 * LeNet-5 for the engine on model-zoo's {@link FastLeNet5Model} (forward and backward bound once on libnd4j ops)
 * instead of DL4J's network: the same function, the same flat parameter layout (so the saved model is the usual
 * DL4J LeNet-5 with these parameters), several times the training throughput on CPU (docs/benchmarks.md).
 * Loss: summed softmax cross-entropy over the batch, gradient of that sum, as the {@link Trainable} contract asks.
 * Columns as {@link MultiLayerTrainable}: {@code features} (C*H*W) and the integer class index {@code label}, and an
 * optional per-record weight column: then example b's loss is s·w_b·ℓ_b, computed exactly by passing the label rows
 * y'_b = s·w_b·onehot_b, for which FastLeNet5Model's loss -Σ_k y'_bk log p_bk and gradient p_b Σ_k y'_bk - y'_b are
 * the weighted cross-entropy and its gradient (the same semantics as MultiLayerTrainable's weighted step).
 */
final class FastLeNet5Trainable implements Trainable {
    private final FastLeNet5Model model;
    private final INDArray gradient;
    private final ImageShape shape;
    private final int numClasses;
    private final String weightColumn;
    private final double weightScale;
    private TensorLayout layout;

    FastLeNet5Trainable(ImageShape shape, int numClasses, long seed) {
        this(shape, numClasses, seed, null, 1.0);
    }

    /** @param weightColumn per-record weight column, or null; @param weightScale s, the factor on every weight */
    FastLeNet5Trainable(ImageShape shape, int numClasses, long seed, String weightColumn, double weightScale) {
        this.weightColumn = weightColumn;
        this.weightScale = weightScale;
        this.model = new FastLeNet5Model(shape, numClasses, seed);
        this.gradient = Nd4j.zeros(DataType.FLOAT, 1, model.numParams());
        this.shape = shape;
        this.numClasses = numClasses;
    }

    @Override
    public long numParams() {
        return model.numParams();
    }

    @Override
    public INDArray params() {
        return model.params();
    }

    @Override
    public StepResult computeGradient(Batch batch, StepContext context) {
        if (batch.isEmpty()) {
            gradient.assign(0);
            return StepResult.EMPTY;
        }
        INDArray x = batch.matrix(MultiLayerTrainable.FEATURES);
        INDArray y = batch.oneHot(MultiLayerTrainable.LABEL, numClasses);
        if (weightColumn != null) {
            float[] w = batch.rows(weightColumn);
            float[] scaled = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                scaled[i] = (float) (weightScale * w[i]);
            }
            y.muliColumnVector(Nd4j.create(scaled, new long[]{w.length, 1}, 'c'));
        }
        double lossSum = model.computeGradient(x, y, gradient);
        return new StepResult(lossSum, batch.size());
    }

    @Override
    public INDArray gradient() {
        return gradient;
    }

    /** DL4J's per-tensor layout of the same network (the layouts are identical by construction). */
    @Override
    public TensorLayout layout() {
        if (layout == null) {
            var net = ClassifierNetworks.create(new ClassifierModelConfig("lenet5", null), shape, numClasses, 0);
            layout = TensorLayout.ofViews(net.paramTable(), net.params());
        }
        return layout;
    }

    @Override
    public void close() {
        model.close();
    }
}

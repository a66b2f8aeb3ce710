package org.sparktrain.jobs.moe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.Batch;
import org.sparktrain.zoo.moe.AuxBalanceLoss;
import org.sparktrain.zoo.moe.MoeClassifier;

import java.util.Arrays;

/**
 * The engine's view of a {@link MoeClassifier} ({@link MoeTrainable}: parameter copies, micro-batches, load
 * statistics): a record is a feature vector and a class label; the loss is summed over examples and the weight is
 * their number, so the engine's mean is the mean cross-entropy plus the mean of the micro-batches' aux loss.
 */
final class MoeClassifierTrainable extends MoeTrainable<MoeClassifierTrainable.Examples> {
    private final MoeClassifier model;

    /** A decoded batch: features (B, D) double and class indices. */
    record Examples(INDArray x, int[] labels) {
    }

    MoeClassifierTrainable(MoeClassifier model, MoeBalancingState state, int microBatch) {
        super(model.params(), state, microBatch);
        this.model = model;
    }

    @Override
    Examples decode(Batch batch) {
        float[] labelColumn = batch.rows(PreparedDataset.LABEL);
        int[] labels = new int[batch.size()];
        for (int r = 0; r < labels.length; r++) {
            labels[r] = (int) labelColumn[r];
            if (labels[r] != labelColumn[r] || labels[r] < 0 || labels[r] >= model.numClasses()) {
                throw new IllegalArgumentException("record " + batch.id(r) + ": label " + labelColumn[r]
                        + " is not a class index in [0, " + model.numClasses() + ")");
            }
        }
        return new Examples(batch.matrix(PreparedDataset.FEATURES).castTo(DataType.DOUBLE), labels);
    }

    @Override
    Micro micro(Examples data, int from, int to, double[][] bias, AuxBalanceLoss aux, INDArray grad) {
        INDArray xm = data.x().get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup();
        MoeClassifier.Step s = model.computeGradient(xm, Arrays.copyOfRange(data.labels(), from, to), bias, aux, grad);
        return new Micro(s.lossSum(), to - from, s.ceSum(), (to - from) * s.auxLoss(), s.correct(), s.counts());
    }
}

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
 *
 * <p><b>Per-record weights</b> (a selection written by {@code select}, docs/selection.md): with a weight column, the
 * cross-entropy of example i is multiplied by c_i = s·w_i, s the constant scale R/n; the weight reported to the
 * engine stays the example count, so the engine's loss is (1/B)·Σ_i s·w_i·ℓ_i + the mean aux loss (unweighted: it
 * balances the routing of the whole micro-batch). Without a weight column nothing changes (no factors at all).
 */
final class MoeClassifierTrainable extends MoeTrainable<MoeClassifierTrainable.Examples> {
    private final MoeClassifier model;

    private final String weightColumn;
    private final double weightScale;

    /** A decoded batch: features (B, D) double, class indices and loss factors s·w_i (null when unweighted). */
    record Examples(INDArray x, int[] labels, double[] factors) {
    }

    /** @param weightColumn the batch column of per-record weights (width 1), or null for unweighted training */
    MoeClassifierTrainable(MoeClassifier model, MoeBalancingState state, int microBatch, String weightColumn,
                           double weightScale) {
        super(model.params(), model.tensors(), state, microBatch);
        this.model = model;
        this.weightColumn = weightColumn;
        this.weightScale = weightScale;
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
        double[] factors = null;
        if (weightColumn != null) {
            float[] w = batch.rows(weightColumn);
            factors = new double[w.length];
            for (int r = 0; r < w.length; r++) {
                if (!(w[r] >= 0) || Float.isInfinite(w[r])) {
                    throw new IllegalArgumentException("record " + batch.id(r) + ": " + weightColumn + " " + w[r]
                            + " is not a finite weight >= 0");
                }
                factors[r] = weightScale * w[r];
            }
        }
        return new Examples(batch.matrix(PreparedDataset.FEATURES).castTo(DataType.DOUBLE), labels, factors);
    }

    @Override
    Micro micro(Examples data, int from, int to, double[][] bias, AuxBalanceLoss aux, INDArray grad) {
        INDArray xm = data.x().get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup();
        double[] factors = data.factors() == null ? null : Arrays.copyOfRange(data.factors(), from, to);
        MoeClassifier.Step s = model.computeGradient(xm, Arrays.copyOfRange(data.labels(), from, to), factors, bias,
                aux, grad);
        return new Micro(s.lossSum(), to - from, s.ceSum(), (to - from) * s.auxLoss(), s.correct(), s.counts());
    }
}

package org.sparktrain.jobs.moe;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.engine.Batch;
import org.sparktrain.zoo.moe.AuxBalanceLoss;
import org.sparktrain.zoo.moe.MoeLanguageModel;

import java.util.Arrays;

/**
 * The engine's view of a {@link MoeLanguageModel} ({@link MoeTrainable}: parameter copies, micro-batches of
 * {@code microBatch} windows, load statistics): a record is one window of T + 1 token ids (column
 * {@value LmCorpus#TOKENS}). The loss sum is over predicted tokens and the weight is their number, so the engine's
 * mean is the mean next-token cross-entropy (plus the aux term).
 */
final class MoeLmTrainable extends MoeTrainable<int[][]> {
    private final MoeLanguageModel model;

    MoeLmTrainable(MoeLanguageModel model, MoeBalancingState state, int microBatch) {
        super(model.params(), model.tensors(), state, microBatch);
        this.model = model;
    }

    @Override
    int[][] decode(Batch batch) {
        return windows(batch, model.context() + 1);
    }

    @Override
    Micro micro(int[][] windows, int from, int to, double[][] bias, AuxBalanceLoss aux, INDArray grad) {
        MoeLanguageModel.Step s = model.computeGradient(Arrays.copyOfRange(windows, from, to), bias, aux, grad);
        return new Micro(s.lossSum(), s.tokens(), s.ceSum(), s.auxTerm(), s.correct(), s.counts());
    }

    /** The batch's windows as token ids; a value that is not an integer id is an error naming the record. */
    static int[][] windows(Batch batch, int width) {
        float[] flat = batch.rows(LmCorpus.TOKENS);
        int[][] out = new int[batch.size()][width];
        for (int r = 0; r < out.length; r++) {
            for (int j = 0; j < width; j++) {
                float v = flat[r * width + j];
                out[r][j] = (int) v;
                if (out[r][j] != v) {
                    throw new IllegalArgumentException("record " + batch.id(r) + ": token " + v + " at position " + j
                            + " is not an integer id");
                }
            }
        }
        return out;
    }
}

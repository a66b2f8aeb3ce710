package org.sparktrain.jobs.moe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;
import org.sparktrain.zoo.moe.AuxBalanceLoss;
import org.sparktrain.zoo.moe.MoeLanguageModel;

/**
 * The engine's view of a {@link MoeLanguageModel}: a record is one window of T + 1 token ids (column
 * {@value LmCorpus#TOKENS}). Each step the float parameters are copied into the model's double vector, the
 * worker's windows are cut into micro-batches of {@code microBatch} windows, each is run forward and backward in
 * double with the routing bias from the replicated {@link MoeBalancingState}, and the summed gradient goes back as
 * float. The loss sum is over predicted tokens and the weight is their number, so the engine's mean is the mean
 * next-token cross-entropy (plus the aux term). Token counts per expert go into the step statistics, which the
 * engine sums over all workers before the bias update.
 */
final class MoeLmTrainable implements Trainable {
    private final MoeLanguageModel model;
    private final MoeBalancingState state;
    private final AuxBalanceLoss aux;
    private final int microBatch;
    private final INDArray params;
    private INDArray gradient;

    MoeLmTrainable(MoeLanguageModel model, MoeBalancingState state, int microBatch) {
        this.model = model;
        this.state = state;
        this.aux = state.balancing().auxLoss();
        this.microBatch = microBatch;
        this.params = model.params().castTo(DataType.FLOAT);
        this.gradient = Nd4j.zeros(DataType.FLOAT, 1, model.numParams());
    }

    @Override
    public long numParams() {
        return model.numParams();
    }

    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public StepResult computeGradient(Batch batch, StepContext ctx) {
        int n = batch.size();
        if (n == 0) {
            gradient = Nd4j.zeros(DataType.FLOAT, 1, model.numParams());
            return StepResult.EMPTY;
        }
        model.params().assign(params.castTo(DataType.DOUBLE));
        double[][] bias = state.biases(ctx.globalState());
        int[][] windows = windows(batch, model.context() + 1);
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 1, model.numParams());
        double[] stats = ctx.stats();
        int step = microBatch <= 0 ? n : microBatch;
        double lossSum = 0;
        long tokens = 0;
        for (int from = 0; from < n; from += step) {
            int to = Math.min(n, from + step);
            MoeLanguageModel.Step s = model.computeGradient(java.util.Arrays.copyOfRange(windows, from, to), bias, aux, grad);
            lossSum += s.lossSum();
            tokens += s.tokens();
            for (int l = 0; l < state.layers(); l++) {
                for (int i = 0; i < state.experts(); i++) {
                    stats[l * state.experts() + i] += s.counts()[l][i];
                }
            }
            stats[state.ceIndex()] += s.ceSum();
            stats[state.auxIndex()] += s.auxTerm();
            stats[state.correctIndex()] += s.correct();
        }
        if (ctx.worker() == 0) {
            float[] b = ctx.globalState();
            for (int k = 0; k < state.loadsSize(); k++) {
                stats[state.biasIndex() + k] = b[k];
            }
        }
        gradient = grad.castTo(DataType.FLOAT);
        return new StepResult(lossSum, tokens);
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

    @Override
    public INDArray gradient() {
        return gradient;
    }
}

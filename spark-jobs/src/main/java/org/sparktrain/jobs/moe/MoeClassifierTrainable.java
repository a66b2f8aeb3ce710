package org.sparktrain.jobs.moe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.zoo.moe.AuxBalanceLoss;
import org.sparktrain.zoo.moe.MoeClassifier;

/**
 * The engine's view of a {@link MoeClassifier}: the engine owns a float parameter vector; each step it is copied
 * into the model's double vector, the worker's batch is cut into micro-batches, each is run forward and backward in
 * double (with the routing bias from the engine's replicated {@link MoeBalancingState}), and the summed gradient is
 * handed back as float. Per-expert token counts of all micro-batches go into the step's statistics, which the
 * engine sums over all workers before the bias update.
 */
final class MoeClassifierTrainable implements Trainable {
    private final MoeClassifier model;
    private final MoeBalancingState state;
    private final AuxBalanceLoss aux;
    private final int microBatch;
    private final INDArray params;
    private INDArray gradient;

    MoeClassifierTrainable(MoeClassifier model, MoeBalancingState state, int microBatch) {
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
        model.params().assign(params.castTo(DataType.DOUBLE));
        double[][] bias = state.biases(ctx.globalState());
        INDArray x = batch.matrix(PreparedDataset.FEATURES).castTo(DataType.DOUBLE);
        float[] labelColumn = batch.rows(PreparedDataset.LABEL);
        int n = batch.size();
        int[] labels = new int[n];
        for (int r = 0; r < n; r++) {
            labels[r] = (int) labelColumn[r];
            if (labels[r] != labelColumn[r] || labels[r] < 0 || labels[r] >= model.numClasses()) {
                throw new IllegalArgumentException("record " + batch.id(r) + ": label " + labelColumn[r]
                        + " is not a class index in [0, " + model.numClasses() + ")");
            }
        }
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 1, model.numParams());
        double[] stats = ctx.stats();
        int step = microBatch <= 0 ? n : microBatch;
        double lossSum = 0;
        for (int from = 0; from < n; from += step) {
            int to = Math.min(n, from + step);
            INDArray xm = x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup();
            int[] ym = java.util.Arrays.copyOfRange(labels, from, to);
            MoeClassifier.Step s = model.computeGradient(xm, ym, bias, aux, grad);
            lossSum += s.lossSum();
            for (int l = 0; l < state.layers(); l++) {
                for (int i = 0; i < state.experts(); i++) {
                    stats[l * state.experts() + i] += s.counts()[l][i];
                }
            }
            stats[state.ceIndex()] += s.ceSum();
            stats[state.auxIndex()] += (to - from) * s.auxLoss();
            stats[state.correctIndex()] += s.correct();
        }
        if (ctx.worker() == 0) {
            float[] b = ctx.globalState();
            for (int k = 0; k < state.loadsSize(); k++) {
                stats[state.biasIndex() + k] = b[k];
            }
        }
        gradient = grad.castTo(DataType.FLOAT);
        return new StepResult(lossSum, n);
    }

    @Override
    public INDArray gradient() {
        return gradient;
    }
}

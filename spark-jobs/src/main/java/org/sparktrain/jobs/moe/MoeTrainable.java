package org.sparktrain.jobs.moe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.optim.TensorLayout;
import org.sparktrain.zoo.ParamTensors;
import org.sparktrain.zoo.moe.AuxBalanceLoss;

/**
 * The engine's view of an MoE model written on ND4J in double ({@link org.sparktrain.zoo.moe.MoeClassifier},
 * {@link org.sparktrain.zoo.moe.MoeLanguageModel}); the subclass decodes a batch and runs one micro-batch.
 *
 * <p>The engine owns a float parameter vector. Each step it is copied into the model's double vector, the worker's
 * batch ({@code D}, decoded once) is cut into micro-batches of {@code microBatch} records (0 = one), each is run
 * forward and backward with the routing bias from the engine's replicated {@link MoeBalancingState}, the gradients
 * are summed, and the sum goes back as float. The statistics of every micro-batch are added into the step's
 * statistics ({@link MoeBalancingState} layout: tokens per expert per layer, Σ cross-entropy, the aux part of the
 * loss, correct predictions), which the engine sums over all workers before the bias update; worker 0 also writes
 * the biases the step routed with, for the metrics log.
 *
 * @param <D> a decoded local batch
 */
abstract class MoeTrainable<D> implements Trainable {
    /**
     * One micro-batch's result.
     *
     * @param lossSum loss whose gradient was added (cross-entropy sum + aux part)
     * @param weight  what the loss is a sum over (examples or predicted tokens)
     * @param ceSum   Σ cross-entropy
     * @param auxTerm the aux part of {@code lossSum} (0 without aux loss)
     * @param correct correct arg-max predictions
     * @param counts  tokens per expert per layer (L, N)
     */
    record Micro(double lossSum, double weight, double ceSum, double auxTerm, double correct, long[][] counts) {
    }

    private final INDArray modelParams;
    private final MoeBalancingState state;
    private final AuxBalanceLoss aux;
    private final int microBatch;
    private final INDArray params;
    private final TensorLayout layout;
    private INDArray gradient;

    /**
     * @param modelParams the model's live (1, P) double parameter vector
     * @param tensors     the model's parameter tensors in their flat order (for L-DoG's per-tensor norms)
     */
    MoeTrainable(INDArray modelParams, ParamTensors tensors, MoeBalancingState state, int microBatch) {
        this.layout = TensorLayout.of(tensors, modelParams.length());
        this.modelParams = modelParams;
        this.state = state;
        this.aux = state.balancing().auxLoss();
        this.microBatch = microBatch;
        this.params = modelParams.castTo(DataType.FLOAT);
        this.gradient = Nd4j.zeros(DataType.FLOAT, 1, params.length());
    }

    /** The worker's batch in the model's input form; bad records are errors naming the record. */
    abstract D decode(Batch batch);

    /** Forward and backward on records [from, to) of the decoded batch; adds the gradient into {@code grad}. */
    abstract Micro micro(D data, int from, int to, double[][] bias, AuxBalanceLoss aux, INDArray grad);

    @Override
    public long numParams() {
        return params.length();
    }

    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public TensorLayout layout() {
        return layout;
    }

    @Override
    public INDArray gradient() {
        return gradient;
    }

    @Override
    public StepResult computeGradient(Batch batch, StepContext ctx) {
        int n = batch.size();
        if (n == 0) {
            gradient = Nd4j.zeros(DataType.FLOAT, 1, params.length());
            return StepResult.EMPTY;
        }
        modelParams.assign(params.castTo(DataType.DOUBLE));
        double[][] bias = state.biases(ctx.globalState());
        D data = decode(batch);
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 1, params.length());
        double[] stats = ctx.stats();
        int step = microBatch <= 0 ? n : microBatch;
        double lossSum = 0;
        double weight = 0;
        for (int from = 0; from < n; from += step) {
            Micro m = micro(data, from, Math.min(n, from + step), bias, aux, grad);
            lossSum += m.lossSum();
            weight += m.weight();
            for (int l = 0; l < state.layers(); l++) {
                for (int i = 0; i < state.experts(); i++) {
                    stats[l * state.experts() + i] += m.counts()[l][i];
                }
            }
            stats[state.ceIndex()] += m.ceSum();
            stats[state.auxIndex()] += m.auxTerm();
            stats[state.correctIndex()] += m.correct();
        }
        if (ctx.worker() == 0) {
            float[] b = ctx.globalState();
            for (int k = 0; k < state.loadsSize(); k++) {
                stats[state.biasIndex() + k] = b[k];
            }
        }
        gradient = grad.castTo(DataType.FLOAT);
        return new StepResult(lossSum, weight);
    }
}

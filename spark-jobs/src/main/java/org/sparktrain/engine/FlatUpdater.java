package org.sparktrain.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.sparktrain.engine.optim.FlatOptimizer;

/**
 * An ND4J update rule ({@link IUpdater}: Adam, SGD, Nesterov, RMSProp, ...) applied to the whole flat parameter
 * vector as a {@link FlatOptimizer}, with its state (e.g. Adam's m and v) in one flat float array that the engine
 * checkpoints and restores. ND4J's {@link GradientUpdater#applyUpdater} turns the mean gradient into the update in
 * place; the engine then subtracts it from the parameters, exactly as DL4J's {@code StochasticGradientDescent} step
 * does. ND4J's updaters are element-wise, so applying one to the flat vector equals DL4J applying it layer by layer.
 *
 * <p>State layout: ND4J's own state view (Adam: [m, v]; Nesterov: [v]; RMSProp: [g² average]; SGD: none), all
 * vectors, all averaged by local-sgd; the step count comes from the engine ({@code iteration}), so there are no
 * scalars. The evaluation point is the parameters themselves.
 */
public final class FlatUpdater implements FlatOptimizer {
    private final INDArray state;
    private final GradientUpdater<?> updater;
    private final long numParams;
    private final String name;

    public FlatUpdater(IUpdater config, long numParams) {
        this.numParams = numParams;
        this.name = config.getClass().getSimpleName();
        long stateSize = config.stateSize(numParams);
        this.state = stateSize == 0 ? null : Nd4j.zeros(DataType.FLOAT, 1, stateSize);
        this.updater = config.instantiate(state, true);
    }

    @Override
    public int stateSize() {
        return state == null ? 0 : Math.toIntExact(state.length());
    }

    /** A copy of the updater state (empty for stateless rules such as SGD). */
    @Override
    public float[] state() {
        return state == null ? new float[0] : state.toFloatVector();
    }

    @Override
    public void setState(float[] values) {
        if (state == null) {
            if (values.length != 0) {
                throw new IllegalArgumentException("this update rule has no state, got " + values.length + " values");
            }
            return;
        }
        if (values.length != state.length()) {
            throw new IllegalArgumentException("updater state has " + state.length() + " values, got " + values.length);
        }
        state.assign(Nd4j.createFromArray(values).reshape(1, values.length));
    }

    /**
     * Applies one update: {@code params -= rule(meanGradient)}. {@code meanGradient} is overwritten with the update.
     *
     * @param iteration the global step (0-based), used e.g. by Adam's bias correction
     */
    @Override
    public void step(INDArray params, INDArray meanGradient, long iteration, int epoch) {
        INDArray g = meanGradient.reshape(numParams);
        updater.applyUpdater(g, Math.toIntExact(iteration), epoch);
        params.subi(g.reshape(params.shape()));
    }

    @Override
    public INDArray evalParams(INDArray params) {
        return params;
    }

    @Override
    public String stateLayout() {
        return "ND4J " + name + " state: " + stateSize() + " floats (" + stateSize() / Math.max(1, numParams)
                + " vectors x " + numParams + ")";
    }

    /** Every state entry is averaged over workers. */
    @Override
    public SyncPart syncContribution(boolean leader) {
        return new SyncPart(state(), new double[0]);
    }

    @Override
    public void applySyncSums(SyncPart sums, int workers) {
        float[] avg = sums.floats().clone();
        for (int i = 0; i < avg.length; i++) {
            avg[i] /= workers;
        }
        setState(avg);
    }
}

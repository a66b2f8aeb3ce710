package org.sparktrain.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * An ND4J update rule ({@link IUpdater}: Adam, SGD, Nesterov, RMSProp, ...) applied to the whole flat parameter
 * vector, with its state (e.g. Adam's m and v) in one flat float array that the engine checkpoints and restores.
 * ND4J's {@link GradientUpdater#applyUpdater} turns the mean gradient into the update in place; the engine then
 * subtracts it from the parameters, exactly as DL4J's {@code StochasticGradientDescent} step does.
 */
public final class FlatUpdater {
    private final INDArray state;
    private final GradientUpdater<?> updater;
    private final long numParams;

    public FlatUpdater(IUpdater config, long numParams) {
        this.numParams = numParams;
        long stateSize = config.stateSize(numParams);
        this.state = stateSize == 0 ? null : Nd4j.zeros(DataType.FLOAT, 1, stateSize);
        this.updater = config.instantiate(state, true);
    }

    /** A copy of the updater state (empty for stateless rules such as SGD). */
    public float[] state() {
        return state == null ? new float[0] : state.toFloatVector();
    }

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
    public void step(INDArray params, INDArray meanGradient, int iteration, int epoch) {
        INDArray g = meanGradient.reshape(numParams);
        updater.applyUpdater(g, iteration, epoch);
        params.subi(g.reshape(params.shape()));
    }
}

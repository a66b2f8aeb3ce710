package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.Map;

/**
 * Base of the optimizers whose whole state is a {@link FlatState}: state round trip, local-sgd synchronisation and
 * scalar reporting come from the state's declared slots; subclasses declare their slots in the constructor and
 * implement {@link #step}. Helpers give the learning rate of a step and a rank-1 view of the parameters.
 */
public abstract class AbstractFlatOptimizer implements FlatOptimizer {
    protected final FlatState state;
    protected final long n;
    private final ISchedule learningRate;

    /**
     * @param numParams    entries of the parameter vector
     * @param learningRate lr_k as a function of the engine's step (the user's lr times any schedule factor)
     */
    protected AbstractFlatOptimizer(long numParams, ISchedule learningRate) {
        this.state = new FlatState(numParams);
        this.n = numParams;
        this.learningRate = learningRate;
    }

    /** lr_k of the engine's global step {@code iteration}. */
    protected double learningRate(long iteration, int epoch) {
        return learningRate.valueAt(Math.toIntExact(iteration), epoch);
    }

    /** A rank-1 view of a contiguous parameter or gradient array (writes go through to the argument). */
    protected INDArray flat(INDArray a) {
        if (a.length() != n) {
            throw new IllegalArgumentException("expected " + n + " entries, got " + a.length());
        }
        return a.rank() == 1 ? a : a.reshape(n);
    }

    @Override
    public int stateSize() {
        return state.size();
    }

    @Override
    public float[] state() {
        return state.toFloats();
    }

    @Override
    public void setState(float[] values) {
        state.fromFloats(values);
    }

    @Override
    public INDArray evalParams(INDArray params) {
        return params;
    }

    @Override
    public Map<String, Double> scalars() {
        return state.scalarMap();
    }

    @Override
    public String stateLayout() {
        return state.describe();
    }

    @Override
    public SyncPart syncContribution(boolean leader) {
        return state.contribution(leader);
    }

    @Override
    public void applySyncSums(SyncPart sums, int workers) {
        state.applySums(sums, workers);
    }

    /** {@code y += alpha * x} (element-wise, in place on {@code y}). */
    protected static void addScaled(INDArray y, double alpha, INDArray x) {
        y.addi(x.mul(alpha));
    }

    /** m ⊘ (√v + ε) as a new array, with 0/0 = 0 where no gradient was seen yet (only possible for ε = 0). */
    protected static INDArray quotient(INDArray m, INDArray v, double eps) {
        INDArray q = m.div(Transforms.sqrt(v, true).addi(eps));
        if (eps == 0) {
            BooleanIndexing.replaceWhere(q, 0.0, Conditions.isNan());
        }
        return q;
    }
}

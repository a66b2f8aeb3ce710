package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.schedule.FixedSchedule;

/**
 * The Schedule-Free iteration shared by {@link ScheduleFreeSgd} and {@link ScheduleFreeAdamW}: momentum and the
 * learning-rate decay schedule are replaced by interpolation and averaging, with no stopping time T.
 *
 * <p>Defazio, Yang, Mehta, Mishchenko, Khaled, Cutkosky, "The Road Less Scheduled", NeurIPS 2024,
 * arXiv:2405.15682; reference code facebookresearch/schedule_free ({@code sgd_schedulefree_reference.py},
 * {@code adamw_schedulefree_reference.py}).
 *
 * <p><b>Three sequences.</b> Gradients are taken at y (the engine's live parameters); z takes the base step; x is a
 * weighted average of the z's and is the point to evaluate and export ({@link #evalParams}):
 * <pre>
 *   first step: z = x = y
 *   γ = lr·min(1, (k+1)/warmup)              (built-in linear warm-up; no external schedule)
 *   lr_max ← max(lr_max, γ);  w = (k+1)^r · lr_max^p;  Σw ← Σw + w;  c = w/Σw   (c = 1 at k = 0)
 *   u = direction(g, y)                      (subclass: SGD or Adam-normalised, with decay wd·y)
 *   z ← z − γ·u
 *   x ← (1 − c)·x + c·z
 *   y ← β·x + (1 − β)·z                      (the engine's parameters)
 *   k ← k + 1
 * </pre>
 * The reference's memory-efficient form keeps only y and z (y ← (1−c)·y + c·z − γ·(1 − β(1−c))·u; eval point
 * x = y + (1 − 1/β)(z − y)); this implementation stores x explicitly (one vector more, no 1/β round-off), as the
 * spec advises; the tests check that both forms agree.
 *
 * <p><b>BatchNorm</b>: running statistics collected at y are wrong for x. Models with BatchNorm need, before each
 * evaluation and export, a forward pass in training mode without gradients over ~50 batches at x (statistics
 * averaged over workers). GrowNet (BatchNorm in every weak learner) recomputes its population statistics at the
 * evaluation point after every phase ({@code jobs.grownet.PreciseBatchNorm}).
 *
 * <p><b>State</b>: vectors [z, x] (+ [v] for AdamW), all averaged by local-sgd (x and y are linear in the
 * averaged (x, z), so the averaged replicas stay consistent); scalars [k, wsum, lrMax] from worker 0 (they depend
 * only on k and the config).
 */
public abstract class ScheduleFreeOptimizer extends AbstractFlatOptimizer {
    protected final double lr;
    private final double beta;
    private final int warmupSteps;
    private final double weightStepPower;
    private final double weightLrPower;
    private final int z;
    private final int x;
    protected final int k;
    private final int weightSum;
    private final int lrMax;

    /**
     * @param lr              base learning rate
     * @param beta            interpolation β between x and z (momentum; β1 for AdamW)
     * @param warmupSteps     linear warm-up steps (0 = none)
     * @param weightStepPower r in w = (k+1)^r·lr_max^p (default 0)
     * @param weightLrPower   p in w = (k+1)^r·lr_max^p (default 2)
     */
    protected ScheduleFreeOptimizer(long numParams, double lr, double beta, int warmupSteps, double weightStepPower,
                                    double weightLrPower) {
        super(numParams, new FixedSchedule(lr));
        this.lr = lr;
        this.beta = beta;
        this.warmupSteps = warmupSteps;
        this.weightStepPower = weightStepPower;
        this.weightLrPower = weightLrPower;
        z = state.addVector("z", FlatState.Sync.AVERAGE);
        x = state.addVector("x", FlatState.Sync.AVERAGE);
        k = state.addScalar("k", FlatState.Sync.LEADER, 0);
        weightSum = state.addScalar("wsum", FlatState.Sync.LEADER, 0);
        lrMax = state.addScalar("lrMax", FlatState.Sync.LEADER, 0);
    }

    /**
     * The base step direction u at y for step {@code step}; may update the subclass's state and overwrite
     * {@code gradient}.
     */
    protected abstract INDArray direction(INDArray gradient, INDArray y, double step);

    @Override
    public void step(INDArray params, INDArray gradient, long iteration, int epoch) {
        INDArray y = flat(params);
        INDArray g = flat(gradient);
        double step = state.get(k);
        INDArray zv = state.vector(z);
        INDArray xv = state.vector(x);
        if (step == 0) {
            zv.assign(y);
            xv.assign(y);
        }
        double gamma = lr * (step < warmupSteps ? (step + 1) / warmupSteps : 1.0);
        double lrMaxK = Math.max(state.get(lrMax), gamma);
        double w = Math.pow(step + 1, weightStepPower) * Math.pow(lrMaxK, weightLrPower);
        double wsum = state.get(weightSum) + w;
        double c = wsum > 0 ? w / wsum : 0;
        INDArray u = direction(g, y, step);
        addScaled(zv, -gamma, u);
        xv.muli(1 - c);
        addScaled(xv, c, zv);
        y.assign(xv.mul(beta));
        addScaled(y, 1 - beta, zv);
        state.set(lrMax, lrMaxK);
        state.set(weightSum, wsum);
        state.set(k, step + 1);
    }

    /** x, the averaged iterate (the live parameters before the first step). */
    @Override
    public INDArray evalParams(INDArray params) {
        return state.get(k) == 0 ? params : state.vector(x).reshape(params.shape());
    }

    @Override
    public boolean separateEvalPoint() {
        return true;
    }
}

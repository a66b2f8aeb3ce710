package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Schedule-Free AdamW (optimizer type {@code schedule-free-adamw}), reference version 1.3 and later: the
 * {@link ScheduleFreeOptimizer} iteration with an Adam-normalised step
 * <pre>
 *   v ← β2·v + (1−β2)·g⊙g
 *   u = g ⊘ (√(v / (1 − β2^{k+1})) + ε) + wd·y
 * </pre>
 * (decay taken at y and scaled by γ through the z step; β of the interpolation is Adam's β1). Defaults: lr 0.0025,
 * betas (0.9, 0.999), ε 1e-8, wd 0, no warm-up, r 0, weight_lr_power 2. The README advises a warm-up and an lr 1–10×
 * a scheduled AdamW run's. The core of the winning MLCommons AlgoPerf 2024 self-tuning entry (lr 0.0025, β2 0.9955,
 * wd 0.0812, warm-up 2% of 0.75× the step budget, r 0.75).
 *
 * <p>Defazio et al., "The Road Less Scheduled", NeurIPS 2024, arXiv:2405.15682; reference
 * facebookresearch/schedule_free {@code adamw_schedulefree.py}.
 *
 * <p><b>State</b>: vectors [z, x, v] (averaged); scalars [k, wsum, lrMax] (worker 0).
 */
public final class ScheduleFreeAdamW extends ScheduleFreeOptimizer {
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final int v;

    /**
     * @param lr              learning rate (default 0.0025)
     * @param beta1           interpolation β (default 0.9)
     * @param beta2           second-moment decay (default 0.999)
     * @param eps             ε (default 1e-8)
     * @param weightDecay     wd, taken at y (default 0)
     * @param warmupSteps     linear warm-up steps (default 0)
     * @param weightStepPower r (default 0)
     * @param weightLrPower   weight_lr_power (default 2)
     */
    public ScheduleFreeAdamW(long numParams, double lr, double beta1, double beta2, double eps, double weightDecay,
                             int warmupSteps, double weightStepPower, double weightLrPower) {
        super(numParams, lr, beta1, warmupSteps, weightStepPower, weightLrPower);
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.v = state.addVector("v", FlatState.Sync.AVERAGE);
    }

    @Override
    protected INDArray direction(INDArray gradient, INDArray y, double step) {
        INDArray vv = state.vector(v);
        vv.muli(beta2);
        addScaled(vv, 1 - beta2, gradient.mul(gradient));
        INDArray denominator = Transforms.sqrt(vv.div(1 - Math.pow(beta2, step + 1)), false).addi(eps);
        INDArray u = gradient.div(denominator);
        if (weightDecay != 0) {
            addScaled(u, weightDecay, y);
        }
        return u;
    }
}

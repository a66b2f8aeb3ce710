package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Schedule-Free SGD (optimizer type {@code schedule-free-sgd}): the {@link ScheduleFreeOptimizer} iteration with
 * the plain gradient step
 * <pre>
 *   u = g + wd·y
 * </pre>
 * (decay taken at y). Defaults: lr 1.0, β (momentum) 0.9, wd 0, no warm-up, r 0, weight_lr_power 2. The README
 * advises an lr 10–50× the classical SGD value and a warm-up.
 *
 * <p>Defazio et al., "The Road Less Scheduled", NeurIPS 2024, arXiv:2405.15682; reference
 * facebookresearch/schedule_free {@code sgd_schedulefree_reference.py}.
 *
 * <p><b>State</b>: vectors [z, x] (averaged); scalars [k, wsum, lrMax] (worker 0).
 */
public final class ScheduleFreeSgd extends ScheduleFreeOptimizer {
    private final double weightDecay;

    /**
     * @param lr              learning rate (default 1.0)
     * @param momentum        β (default 0.9)
     * @param weightDecay     wd, taken at y (default 0)
     * @param warmupSteps     linear warm-up steps (default 0)
     * @param weightStepPower r (default 0)
     * @param weightLrPower   weight_lr_power (default 2)
     */
    public ScheduleFreeSgd(long numParams, double lr, double momentum, double weightDecay, int warmupSteps,
                           double weightStepPower, double weightLrPower) {
        super(numParams, lr, momentum, warmupSteps, weightStepPower, weightLrPower);
        this.weightDecay = weightDecay;
    }

    @Override
    protected INDArray direction(INDArray gradient, INDArray y, double step) {
        if (weightDecay != 0) {
            addScaled(gradient, weightDecay, y);
        }
        return gradient;
    }
}

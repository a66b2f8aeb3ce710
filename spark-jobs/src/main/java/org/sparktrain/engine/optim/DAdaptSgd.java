package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * SGD with a D-Adaptation step size (optimizer type {@code dadapt-sgd}): dual averaging whose step λ_k = d_k·lr/‖g0‖
 * uses a non-decreasing lower-bound estimate d of D = ‖x0 − x*‖, reaching the optimal rate D·G/√n for convex
 * Lipschitz problems without knowing D ({@code lr} = 1 multiplies d; a schedule may go on top).
 *
 * <p>Defazio &amp; Mishchenko, "Learning-Rate-Free Learning by D-Adaptation", ICML 2023, arXiv:2301.07733;
 * reference code facebookresearch/dadaptation {@code dadapt_sgd.py}, version 3.
 *
 * <p><b>Step k</b> (g the mean gradient):
 * <pre>
 *   first step with g ≠ 0: ‖g0‖ = ‖g‖ (before weight decay), x0 = x   (steps before it are skipped)
 *   g ← g + wd·x                                  (coupled L2)
 *   λ = d·lr_k/‖g0‖
 *   N ← N + λ·⟨g, s⟩                              (old s)
 *   s ← s + λ·g
 *   if ‖s‖ = 0 stop here
 *   d ← max(d, min(2N/‖s‖, growth·d))            (2N/‖s‖ = (‖s‖² − Σλ_i²‖g_i‖²)/‖s‖; first used next step)
 *   x ← μ·x + (1−μ)·(x0 − s)                      (μ = momentum; μ = 0 gives x = x0 − s)
 *   k ← k + 1
 * </pre>
 * Invariant to a constant rescaling of the loss when wd = 0 (λ·g and λ⟨g, s⟩ do not change).
 *
 * <p><b>State</b>: vectors [s (averaged), x0 (from worker 0)]; scalars [d, N, g0norm (averaged), k (worker 0)].
 */
public final class DAdaptSgd extends AbstractFlatOptimizer {
    /**
     * @param momentum    μ (default 0)
     * @param weightDecay wd, coupled (default 0)
     * @param d0          initial d (default 1e-6)
     * @param growthRate  cap on d's growth per step (default ∞)
     */
    public record Settings(double momentum, double weightDecay, double d0, double growthRate) {
    }

    private final Settings p;
    private final int s;
    private final int x0;
    private final int d;
    private final int numerator;
    private final int g0norm;
    private final int k;

    public DAdaptSgd(long numParams, ISchedule learningRate, Settings settings) {
        super(numParams, learningRate);
        this.p = settings;
        s = state.addVector("s", FlatState.Sync.AVERAGE);
        x0 = state.addVector("x0", FlatState.Sync.LEADER);
        d = state.addScalar("d", FlatState.Sync.AVERAGE, settings.d0());
        numerator = state.addScalar("N", FlatState.Sync.AVERAGE, 0);
        g0norm = state.addScalar("g0norm", FlatState.Sync.AVERAGE, 0);
        k = state.addScalar("k", FlatState.Sync.LEADER, 0);
    }

    @Override
    public void step(INDArray params, INDArray gradient, long iteration, int epoch) {
        INDArray x = flat(params);
        INDArray g = flat(gradient);
        if (state.get(g0norm) == 0) {
            double norm = Math.sqrt(DoubleReductions.sumSquares(DoubleReductions.host(g)));
            if (norm == 0) {
                return; // λ = d·lr/‖g0‖ needs a nonzero first gradient
            }
            state.set(g0norm, norm);
            state.vector(x0).assign(x);
        }
        if (p.weightDecay() != 0) {
            addScaled(g, p.weightDecay(), x);
        }
        double dk = state.get(d);
        double lambda = dk * learningRate(iteration, epoch) / state.get(g0norm);
        INDArray sv = state.vector(s);
        double numeratorK = state.get(numerator)
                + lambda * DoubleReductions.dot(DoubleReductions.host(g), DoubleReductions.host(sv));
        state.set(numerator, numeratorK);
        addScaled(sv, lambda, g);
        double sNorm = Math.sqrt(DoubleReductions.sumSquares(DoubleReductions.host(sv)));
        if (sNorm == 0) {
            return;
        }
        state.set(d, Math.max(dk, Math.min(2 * numeratorK / sNorm, dk * p.growthRate())));
        INDArray z = state.vector(x0).sub(sv);
        if (p.momentum() == 0) {
            x.assign(z);
        } else {
            x.muli(p.momentum());
            addScaled(x, 1 - p.momentum(), z);
        }
        state.set(k, state.get(k) + 1);
    }
}

package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Adam with a D-Adaptation step size (optimizer type {@code dadapt-adam}): Adam whose step scale d is a
 * non-decreasing estimate of the distance D = ‖x0 − x*‖ to the solution, built from the gradients seen so far, so
 * no learning rate needs tuning ({@code lr} = 1 multiplies d; a schedule may go on top).
 *
 * <p>Defazio &amp; Mishchenko, "Learning-Rate-Free Learning by D-Adaptation", ICML 2023, arXiv:2301.07733;
 * reference code facebookresearch/dadaptation {@code dadapt_adam.py}, version 3 (the rule below).
 *
 * <p><b>Step k</b> (g the mean gradient; β̃ = √β2; b_k = √(1−β2^{k+1})/(1−β1^{k+1}) with bias correction, else 1):
 * <pre>
 *   g ← g + wd·x                               (coupled L2, unless decoupled)
 *   γ = d·lr_k·b_k
 *   δN = γ·⟨g, s ⊘ (√v + ε)⟩                   (old s, v)
 *   m ← β1·m + (1−β1)·γ·g                       (the step size lives inside m)
 *   v ← β2·v + (1−β2)·g⊙g
 *   s ← β̃·s + (1−β̃)·γ·g
 *   S = ‖s‖₁; if S = 0 stop here (no gradient yet)
 *   N ← β̃·N + (1−β̃)·δN
 *   d ← max(d, min(N / ((1−β̃)·S), growth·d))   (the new d is first used at the next step)
 *   x ← x − wd·γ·x                              (decoupled decay only, AdamW style)
 *   x ← x − m ⊘ (√v + ε)                        (new v)
 *   k ← k + 1
 * </pre>
 * Scalars are computed in double from the reduced gradient ({@link DoubleReductions}); d̂ is invariant to a constant
 * rescaling of the loss when ε = 0 and wd = 0 (0/0 terms, where no gradient was seen yet, count as 0).
 * One parameter group: the reference's per-group layer_scale is 1.
 *
 * <p><b>State</b> ({@link FlatState}): vectors [s, m, v] (all averaged by local-sgd); scalars [d, N, k]
 * (d, N averaged; k from worker 0).
 */
public final class DAdaptAdam extends AbstractFlatOptimizer {
    /**
     * @param beta1               first-moment decay β1 (default 0.9)
     * @param beta2               second-moment decay β2 (default 0.999)
     * @param eps                 ε added to √v (default 1e-8)
     * @param weightDecay         wd (default 0)
     * @param decoupled           AdamW-style decay x ← x − wd·γ·x instead of coupled L2 (default false)
     * @param biasCorrection      Adam's bias correction b_k in γ (default false)
     * @param d0                  initial estimate d (default 1e-6)
     * @param growthRate          cap on d's growth per step (default ∞)
     */
    public record Settings(double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                           boolean biasCorrection, double d0, double growthRate) {
    }

    private final Settings p;
    private final int s;
    private final int m;
    private final int v;
    private final int d;
    private final int numerator;
    private final int k;

    public DAdaptAdam(long numParams, ISchedule learningRate, Settings settings) {
        super(numParams, learningRate);
        this.p = settings;
        s = state.addVector("s", FlatState.Sync.AVERAGE);
        m = state.addVector("m", FlatState.Sync.AVERAGE);
        v = state.addVector("v", FlatState.Sync.AVERAGE);
        d = state.addScalar("d", FlatState.Sync.AVERAGE, settings.d0());
        numerator = state.addScalar("N", FlatState.Sync.AVERAGE, 0);
        k = state.addScalar("k", FlatState.Sync.LEADER, 0);
    }

    @Override
    public void step(INDArray params, INDArray gradient, long iteration, int epoch) {
        INDArray x = flat(params);
        INDArray g = flat(gradient);
        if (!p.decoupled() && p.weightDecay() != 0) {
            addScaled(g, p.weightDecay(), x);
        }
        double step = state.get(k);
        double dk = state.get(d);
        double bc = p.biasCorrection()
                ? Math.sqrt(1 - Math.pow(p.beta2(), step + 1)) / (1 - Math.pow(p.beta1(), step + 1)) : 1;
        double gamma = dk * learningRate(iteration, epoch) * bc;
        double betaTilde = Math.sqrt(p.beta2());
        INDArray sv = state.vector(s);
        INDArray vv = state.vector(v);
        float[] gh = DoubleReductions.host(g);
        double deltaN = gamma * DoubleReductions.dotOverRootPlusEps(gh, DoubleReductions.host(sv),
                DoubleReductions.host(vv), p.eps());

        INDArray mv = state.vector(m);
        mv.muli(p.beta1());
        addScaled(mv, (1 - p.beta1()) * gamma, g);
        vv.muli(p.beta2());
        addScaled(vv, 1 - p.beta2(), g.mul(g));
        sv.muli(betaTilde);
        addScaled(sv, (1 - betaTilde) * gamma, g);
        double l1 = DoubleReductions.sumAbs(DoubleReductions.host(sv));
        if (l1 == 0) {
            return;
        }
        double numeratorK = betaTilde * state.get(numerator) + (1 - betaTilde) * deltaN;
        state.set(numerator, numeratorK);
        double dHat = numeratorK / ((1 - betaTilde) * l1);
        state.set(d, Math.max(dk, Math.min(dHat, dk * p.growthRate())));

        if (p.decoupled() && p.weightDecay() != 0) {
            addScaled(x, -p.weightDecay() * gamma, x);
        }
        x.subi(quotient(mv, vv, p.eps()));
        state.set(k, step + 1);
    }
}

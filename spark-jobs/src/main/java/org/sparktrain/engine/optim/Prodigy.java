package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Prodigy (optimizer type {@code prodigy}): D-Adaptation's Adam form with the distance term ⟨g_k, x0 − x_k⟩ in the
 * numerator and numerator and s weighted by d_k (× lr), so the estimate d of D = ‖x0 − x*‖ grows faster; improves
 * D-Adaptation's rate by O(√log(D/d0)). Keep {@code lr} = 1 and tune {@code dCoef} if anything.
 *
 * <p>Mishchenko &amp; Defazio, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner", ICML 2024,
 * arXiv:2306.06101; reference code konstmish/prodigy {@code prodigyopt/prodigy.py}.
 *
 * <p><b>Step k</b> (g the mean gradient; β3 defaults to √β2; b_k as in {@link DAdaptAdam}):
 * <pre>
 *   first step: x0 = x
 *   g ← g + wd·x                                   (coupled L2, only if not decoupled)
 *   γ = d·lr_k·b_k,  w = d/d0                      (w cancels in d̂; it only avoids underflow)
 *   N ← β3·N + w·γ·⟨g, x0 − x⟩
 *   m ← β1·m + (1−β1)·d·g                          (no m when β1 = 0)
 *   v ← β2·v + (1−β2)·d²·g⊙g
 *   s ← β3·s + w·(safeguardWarmup ? d : γ)·g
 *   D = ‖s‖₁; if D = 0 stop here (N is not kept)
 *   d̂ = dCoef·N/D;  if d = d0: d ← max(d, d̂);  d_max ← max(d_max, d̂);  d ← min(d_max, growth·d)
 *   x ← x − wd·γ·x                                 (decoupled decay, the default)
 *   x ← x − γ·m ⊘ (√v + d·ε)                       (new d; β1 = 0: x ← x − γ·d·g ⊘ (√v + d·ε))
 *   k ← k + 1
 * </pre>
 * Scalars in double from the reduced gradient; with ε = 0 and wd = 0 the trajectory is invariant to a constant
 * rescaling of the loss (0/0 terms count as 0).
 *
 * <p><b>slice_p</b> (the reference code's memory-saving approximation; default 1 = off): with p &gt; 1, s and x0 are
 * kept, and the dot ⟨g, x0 − x⟩ and D = ‖s‖₁ are taken, only on every p-th entry of each parameter tensor (entries
 * 0, p, 2p, ... of each tensor of the model's {@link TensorLayout}; {@link #slicedEntries}). m, v and the update of x
 * stay full. N and D both shrink by about 1/p, so d̂ = dCoef·N/D estimates the same quantity from a sample of the
 * coordinates; the reference suggests p = 11 where memory is tight.
 *
 * <p><b>State</b>: vectors [x0 (from worker 0), s, m (if β1 &gt; 0), v (averaged)], x0 and s on the sliced entries;
 * scalars [d, dMax, N (averaged), k (worker 0)].
 */
public final class Prodigy extends AbstractFlatOptimizer {
    /**
     * @param beta1           β1 (default 0.9; 0 = no first moment)
     * @param beta2           β2 (default 0.999)
     * @param beta3           β3 of N and s (default √β2)
     * @param eps             ε, scaled by d in the denominator (default 1e-8)
     * @param weightDecay     wd (default 0)
     * @param decoupled       AdamW-style decay x ← x − wd·γ·x (default true) instead of coupled L2
     * @param biasCorrection  Adam's bias correction in γ (default false)
     * @param safeguardWarmup use d instead of γ in s, for runs with warm-up or restarts (default false)
     * @param d0              initial d (default 1e-6)
     * @param dCoef           multiplier of d̂ (default 1)
     * @param growthRate      cap on d's growth per step (default ∞)
     */
    public record Settings(double beta1, double beta2, double beta3, double eps, double weightDecay, boolean decoupled,
                           boolean biasCorrection, boolean safeguardWarmup, double d0, double dCoef,
                           double growthRate) {
    }

    private final Settings p;
    /** The entries kept in s and x0 (slice_p &gt; 1), or null for all of them. */
    private final int[] kept;
    private final int x0;
    private final int s;
    private final int m;
    private final int v;
    private final int d;
    private final int dMax;
    private final int numerator;
    private final int k;

    public Prodigy(long numParams, ISchedule learningRate, Settings settings) {
        this(numParams, learningRate, settings, 1, TensorLayout.single(numParams));
    }

    /**
     * @param sliceP keep s and x0 on every {@code sliceP}-th entry of each tensor (1 = all entries, the default)
     * @param layout the model's parameter tensors, which the slicing runs within
     */
    public Prodigy(long numParams, ISchedule learningRate, Settings settings, int sliceP, TensorLayout layout) {
        super(numParams, learningRate);
        if (sliceP < 1) {
            throw new IllegalArgumentException("sliceP: must be at least 1, got " + sliceP);
        }
        if (layout.numParams() != numParams) {
            throw new IllegalArgumentException("layout covers " + layout.numParams() + " of " + numParams + " parameters");
        }
        this.p = settings;
        this.kept = sliceP == 1 ? null : slicedEntries(layout, sliceP);
        int sliced = kept == null ? Math.toIntExact(numParams) : kept.length;
        x0 = state.addVector("x0", FlatState.Sync.LEADER, sliced);
        s = state.addVector("s", FlatState.Sync.AVERAGE, sliced);
        m = settings.beta1() > 0 ? state.addVector("m", FlatState.Sync.AVERAGE) : -1;
        v = state.addVector("v", FlatState.Sync.AVERAGE);
        d = state.addScalar("d", FlatState.Sync.AVERAGE, settings.d0());
        dMax = state.addScalar("dMax", FlatState.Sync.AVERAGE, settings.d0());
        numerator = state.addScalar("N", FlatState.Sync.AVERAGE, 0);
        k = state.addScalar("k", FlatState.Sync.LEADER, 0);
    }

    /** Entries 0, p, 2p, ... of every tensor of {@code layout}, in increasing order. */
    public static int[] slicedEntries(TensorLayout layout, int sliceP) {
        int count = 0;
        for (int t = 0; t < layout.numTensors(); t++) {
            count += (layout.end(t) - layout.offset(t) + sliceP - 1) / sliceP;
        }
        int[] out = new int[count];
        int o = 0;
        for (int t = 0; t < layout.numTensors(); t++) {
            for (int i = layout.offset(t); i < layout.end(t); i += sliceP) {
                out[o++] = i;
            }
        }
        return out;
    }

    private float[] slice(float[] values) {
        if (kept == null) {
            return values;
        }
        float[] out = new float[kept.length];
        for (int i = 0; i < kept.length; i++) {
            out[i] = values[kept[i]];
        }
        return out;
    }

    @Override
    public void step(INDArray params, INDArray gradient, long iteration, int epoch) {
        INDArray x = flat(params);
        INDArray g = flat(gradient);
        double step = state.get(k);
        if (step == 0) {
            state.vector(x0).assign(kept == null ? x : Nd4j.createFromArray(slice(DoubleReductions.host(x))));
        }
        if (!p.decoupled() && p.weightDecay() != 0) {
            addScaled(g, p.weightDecay(), x);
        }
        double dk = state.get(d);
        double bc = p.biasCorrection()
                ? Math.sqrt(1 - Math.pow(p.beta2(), step + 1)) / (1 - Math.pow(p.beta1(), step + 1)) : 1;
        double gamma = dk * learningRate(iteration, epoch) * bc;
        double w = dk / p.d0();
        float[] gs = slice(DoubleReductions.host(g));
        double numeratorK = p.beta3() * state.get(numerator)
                + w * gamma * DoubleReductions.dotWithDifference(gs, DoubleReductions.host(state.vector(x0)),
                slice(DoubleReductions.host(x)));

        if (m >= 0) {
            INDArray mv = state.vector(m);
            mv.muli(p.beta1());
            addScaled(mv, (1 - p.beta1()) * dk, g);
        }
        INDArray vv = state.vector(v);
        vv.muli(p.beta2());
        addScaled(vv, (1 - p.beta2()) * dk * dk, g.mul(g));
        INDArray sv = state.vector(s);
        sv.muli(p.beta3());
        addScaled(sv, w * (p.safeguardWarmup() ? dk : gamma), kept == null ? g : Nd4j.createFromArray(gs));
        double l1 = DoubleReductions.sumAbs(DoubleReductions.host(sv));
        if (l1 == 0) {
            return;
        }
        state.set(numerator, numeratorK);
        double dHat = p.dCoef() * numeratorK / l1;
        double dNext = dk;
        if (dk == p.d0()) {
            dNext = Math.max(dk, dHat);
        }
        double dMaxNext = Math.max(state.get(dMax), dHat);
        dNext = Math.min(dMaxNext, dNext * p.growthRate());
        state.set(dMax, dMaxNext);
        state.set(d, dNext);

        if (p.decoupled() && p.weightDecay() != 0) {
            addScaled(x, -p.weightDecay() * gamma, x);
        }
        if (m >= 0) {
            addScaled(x, -gamma, quotient(state.vector(m), vv, dNext * p.eps()));
        } else {
            addScaled(x, -gamma * dNext, quotient(g, vv, dNext * p.eps()));
        }
        state.set(k, step + 1);
    }
}

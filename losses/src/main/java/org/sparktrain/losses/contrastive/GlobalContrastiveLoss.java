package org.sparktrain.losses.contrastive;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.LossInputs;
import org.sparktrain.losses.RowNormalized;

/**
 * Unimodal global contrastive loss: SogCLR (one fixed τ) and iSogCLR (a learned τ_i per sample), LibAUC
 * {@code GCLoss_v1} semantics.
 *
 * <p>References: Yuan et al., "Provable Stochastic Optimization for Global Contrastive Learning: Small Batch Does
 * Not Harm Performance", ICML 2022, arXiv 2202.12387 (SogCLR); Qiu, Hu, Yuan, Zhou, Zhang, Yang, "Not All Semantics
 * are Created Equal: Contrastive Self-supervised Learning with Automatic Temperature Individualization", ICML 2023,
 * arXiv 2305.11965 (iSogCLR). Restated in {@code shared/specs/isogclr.md}.
 *
 * <p><b>Inputs</b>: two augmented views H1, H2 of a global batch of G samples (G×dim each, L2-normalized here),
 * the offset of this worker's block of b samples in it, and the {@link SampleState} of those b samples. With one
 * worker the block is the whole batch. Anchor i (in the block) in view 1 scores X1_i· = [h1_i H2ᵀ | h1_i H1ᵀ]
 * (2G raw cosines); column i is its positive, column G+i itself (excluded), the other m = 2(G−1) are negatives;
 * view 2 likewise with X2_i· = [h2_i H1ᵀ | h2_i H2ᵀ]. τ = τ_i (INDIVIDUAL) or the fixed τ (GLOBAL).
 * <pre>
 *   b^v  = max(b_i, max_{j neg} X^v_ij/τ)                           running max per view (0 when the shift is off)
 *   g^v  = (1/m) Σ_{j neg} exp(X^v_ij/τ − b^v)
 *   u^v  = max((1−γ_i) u_i e^{b_i − b^v} + γ_i g^v, uFloor),        γ_i = 1 on a first visit
 *   p^v_ij = sg[exp(X^v_ij/τ − b^v) / u^v]                          (shift-free: = exp(X/τ)/(u^v e^{b^v}))
 *   L    = (1/G) Σ_{i∈block} Σ_{v=1,2} [ −X^v_ii(pos) + (1/m) Σ_{j neg} p^v_ij X^v_ij ]
 *   b_i ← max(b^1, b^2),  u_i ← (u^1 e^{b^1−b_i} + u^2 e^{b^2−b_i})/2     (the spec's u_i ← (u1+u2)/2, unshifted)
 *   G_i  = ½ Σ_v [ log u^v + b^v + ρ − (1/m) Σ_j p^v_ij X^v_ij/τ ],  then {@link TemperatureUpdate} (INDIVIDUAL)
 * </pre>
 * Gradients flow only through the raw cosines X (p, u, b and τ are detached); there is no 1/τ factor (the loss is
 * the global contrastive loss times τ). At a first visit (u = g) ∂L equals the gradient of
 * (1/G) Σ_i Σ_v [τ log((1/m) Σ_j exp(X^v_ij/τ)) − X^v_ii].
 *
 * <p><b>Per-anchor weights</b> (optional, one factor c_i per block sample, finite, &gt;= 0; training on a selection,
 * docs/selection.md): the loss and the reported objective become
 * <pre>  L_c = (1/G) Σ_{i∈block} c_i Σ_{v=1,2} [ −X^v_ii(pos) + (1/m) Σ_{j neg} p^v_ij X^v_ij ]</pre>
 * (normalisation 1/G as without weights), so anchor i's gradient to its positive and to every negative is scaled by
 * c_i. Negatives are not weighted (p^v_ij and g^v use no c_j): the negatives' average is the estimate u_i of anchor
 * i's normaliser, and weighting it by c_j would make it a self-normalised (biased) estimator with a random
 * denominator; select's weights were drawn for a record's loss as an anchor, not for its role as a negative. The
 * per-sample state stays unweighted: u_i is a moving average of that normaliser estimate, not a loss term; and τ_i
 * enters only anchor i's term, so c_i &gt; 0 scales that term without moving its minimiser in τ_i; the iSogCLR τ_i
 * update (G_i, its clipping, the momentum and the first-visit rule) is therefore the unweighted one (weighting G_i
 * would only change τ_i's effective step size per record). With c_i = 0 the anchor's term and gradient vanish but
 * its state still updates. {@code weights = null} (or all 1) gives exactly the unweighted result, bit for bit.
 *
 * <p><b>Across workers</b>: each worker passes the gathered views and its block; the returned shares of the loss
 * sum to the global loss and the gradients w.r.t. the gathered views sum (all-reduce) to the global gradient.
 * Each worker updates only its own samples' state, so no state write conflicts. Matrix products and the
 * normalization backward run on ND4J in double; the per-row state arithmetic is plain Java.
 */
public final class GlobalContrastiveLoss {
    private final GclConfig config;

    public GlobalContrastiveLoss(GclConfig config) {
        this.config = config;
    }

    public GclConfig config() {
        return config;
    }

    /** The whole batch on one worker: {@code state} has one row per sample. */
    public GclResult compute(INDArray view1, INDArray view2, SampleState state) {
        return computeBlock(view1, view2, 0, state);
    }

    /** This worker's block: rows [offset, offset + state.size()) of the gathered views; unweighted. */
    public GclResult computeBlock(INDArray view1, INDArray view2, int offset, SampleState state) {
        return computeBlock(view1, view2, offset, state, null);
    }

    /**
     * This worker's block with per-anchor factors: each worker weights only its own anchors (its block), so the
     * shares still sum to the global weighted loss and gradient.
     *
     * @param weights factors c_i of the block's samples (length {@code state.size()}), or null for unweighted
     */
    public GclResult computeBlock(INDArray view1, INDArray view2, int offset, SampleState state, double[] weights) {
        RowNormalized v1 = RowNormalized.of("view1", view1);
        RowNormalized v2 = RowNormalized.of("view2", view2);
        INDArray h1 = v1.vectors();
        INDArray h2 = v2.vectors();
        int g = (int) h1.rows();
        LossInputs.requireShape("view2", h2, g, h1.columns());
        int b = state.size();
        if (offset < 0 || b == 0 || offset + b > g) {
            throw new IllegalArgumentException("block [" + offset + ", " + (offset + b) + ") does not fit in a global"
                    + " batch of " + g + " samples");
        }
        if (g < 2) {
            throw new IllegalArgumentException("the global contrastive loss needs at least 2 samples per global batch:"
                    + " with " + g + " an anchor has no negative");
        }
        checkShiftState(state);
        AnchorWeights.check(weights, b);
        INDArray h1b = LossInputs.rows(h1, offset, b);
        INDArray h2b = LossInputs.rows(h2, offset, b);
        double[][] x1 = Nd4j.hstack(h1b.mmul(h2.transpose()), h1b.mmul(h1.transpose())).toDoubleMatrix(); // b×2G
        double[][] x2 = Nd4j.hstack(h2b.mmul(h1.transpose()), h2b.mmul(h2.transpose())).toDoubleMatrix();
        double m = 2.0 * (g - 1);
        boolean batchFirstVisit = allUnvisited(state);

        double[][] dx1 = new double[b][2 * g];
        double[][] dx2 = new double[b][2 * g];
        double[] uNew = new double[b];
        double[] bNew = new double[b];
        double[] tauNew = state.tau().clone();
        double[] momNew = state.momentum().clone();
        double[] tauGrad = new double[b];
        double value = 0;
        double objective = 0;
        for (int r = 0; r < b; r++) {
            int pos = offset + r;
            int self = g + offset + r;
            double tau = config.mode() == TemperatureMode.INDIVIDUAL ? state.tau()[r] : config.tau();
            // each view keeps its own running-max shift while it is computed (a shared one could underflow the
            // other view to zero); the stored pair is the larger shift with u rescaled into it
            double shift1 = GclStateUpdate.shift(state.shift()[r], maxNegative(x1[r], pos, self) / tau,
                    config.runningMaxShift());
            double shift2 = GclStateUpdate.shift(state.shift()[r], maxNegative(x2[r], pos, self) / tau,
                    config.runningMaxShift());
            boolean first = config.firstVisit() == FirstVisitRule.PER_SAMPLE ? state.u()[r] == 0 : batchFirstVisit;
            double gamma = GclStateUpdate.effectiveGamma(first, config.gamma());
            double weight = AnchorWeights.at(weights, r);
            ViewTerms a = viewTerms(x1[r], pos, self, tau, shift1, m, state.u()[r], state.shift()[r], gamma, weight,
                    dx1[r], g);
            ViewTerms c = viewTerms(x2[r], pos, self, tau, shift2, m, state.u()[r], state.shift()[r], gamma, weight,
                    dx2[r], g);
            value += weight * (a.surrogate + c.surrogate) / g;
            objective += weight * (tau * (Math.log(a.u) + shift1) - x1[r][pos] + tau * (Math.log(c.u) + shift2)
                    - x2[r][pos]) / g;
            bNew[r] = Math.max(shift1, shift2);
            uNew[r] = Math.max((a.u * Math.exp(shift1 - bNew[r]) + c.u * Math.exp(shift2 - bNew[r])) / 2,
                    config.uFloor());
            if (config.mode() == TemperatureMode.INDIVIDUAL) {
                objective += weight * (2 * config.rho() * tau) / g;
                tauGrad[r] = 0.5 * (GclStateUpdate.tauGradient(a.u, shift1, config.rho(), a.meanWeightedLogit)
                        + GclStateUpdate.tauGradient(c.u, shift2, config.rho(), c.meanWeightedLogit));
                TemperatureUpdate step = TemperatureUpdate.step(tauGrad[r], state.momentum()[r], tau, config);
                momNew[r] = step.momentum();
                tauNew[r] = step.tau();
            }
        }

        // Backward through X1 = [h1b H2ᵀ | h1b H1ᵀ] and X2 = [h2b H1ᵀ | h2b H2ᵀ] (ND4J, double).
        INDArray d1 = Nd4j.create(dx1).castTo(DataType.DOUBLE);
        INDArray d2 = Nd4j.create(dx2).castTo(DataType.DOUBLE);
        INDArray a1 = LossInputs.columns(d1, 0, g);   // b×G, ∂/∂(h1b H2ᵀ)
        INDArray c1 = LossInputs.columns(d1, g, g);   // b×G, ∂/∂(h1b H1ᵀ)
        INDArray a2 = LossInputs.columns(d2, 0, g);   // ∂/∂(h2b H1ᵀ)
        INDArray c2 = LossInputs.columns(d2, g, g);   // ∂/∂(h2b H2ᵀ)
        INDArray dh1 = c1.transpose().mmul(h1b).add(a2.transpose().mmul(h2b));
        INDArray dh2 = a1.transpose().mmul(h1b).add(c2.transpose().mmul(h2b));
        LossInputs.addToRows(dh1, offset, a1.mmul(h2).add(c1.mmul(h1)));
        LossInputs.addToRows(dh2, offset, a2.mmul(h1).add(c2.mmul(h2)));
        SampleState next = new SampleState(uNew, bNew, tauNew, momNew);
        return new GclResult(value, objective, v1.backward(dh1), v2.backward(dh2), next, tauGrad);
    }

    /**
     * One view's terms for one anchor; fills {@code dx} (∂L/∂X of that row, times the anchor's factor c) and returns
     * u, the unweighted surrogate, Σp·X/τ/m.
     */
    private ViewTerms viewTerms(double[] x, int pos, int self, double tau, double shift, double m, double uOld,
                                double bOld, double gamma, double c, double[] dx, int g) {
        double[] e = new double[x.length];
        double sum = 0;
        for (int j = 0; j < x.length; j++) {
            if (j != pos && j != self) {
                e[j] = Math.exp(x[j] / tau - shift);
                sum += e[j];
            }
        }
        double u = GclStateUpdate.movingAverage(uOld, bOld, shift, sum / m, gamma, config.uFloor());
        if (!Double.isFinite(u)) {
            throw new ArithmeticException("exp(h/tau) overflowed double (tau=" + tau + "); turn runningMaxShift on");
        }
        double weighted = 0;
        double weightedLogit = 0;
        for (int j = 0; j < x.length; j++) {
            double p = e[j] / u;                       // detached weight, 0 for the positive and self
            weighted += p * x[j] / m;
            weightedLogit += p * x[j] / tau / m;
            dx[j] = c * p / m / g;
        }
        dx[pos] -= c / g;
        return new ViewTerms(u, -x[pos] + weighted, weightedLogit);
    }

    private record ViewTerms(double u, double surrogate, double meanWeightedLogit) {
    }

    private static double maxNegative(double[] x, int pos, int self) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < x.length; j++) {
            if (j != pos && j != self) {
                max = Math.max(max, x[j]);
            }
        }
        return max;
    }

    private static boolean allUnvisited(SampleState s) {
        for (double u : s.u()) {
            if (u != 0) {
                return false;
            }
        }
        return true;
    }

    private void checkShiftState(SampleState s) {
        if (!config.runningMaxShift()) {
            for (int k = 0; k < s.size(); k++) {
                if (s.shift()[k] != 0) {
                    throw new IllegalArgumentException("state row " + k + " has shift b=" + s.shift()[k]
                            + " but runningMaxShift is off: its u is in a shifted domain");
                }
            }
        }
    }
}

package org.sparktrain.zoo.moe;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The auxiliary load-balance loss, the baseline that loss-free balancing replaces (plain Java, double).
 *
 * <p>Math, for one sequence of T tokens of one MoE layer (scores s (T, N), top-K choice 𝒯_t):
 * <pre>
 *   f_i   = N/(K·T) · Σ_t 1[i ∈ 𝒯_t]          (fraction of routed slots, 1 under perfect balance; no gradient)
 *   P_i   = (1/T) · Σ_t s'_{t,i}               (mean affinity)
 *   L_Bal = α · Σ_i f_i P_i
 *   dL_Bal/ds'_{t,i} = α f_i / T
 * </pre>
 * with s' = s (Wang et al. 2024, eq. 5) or, if {@code normalizeScores}, s'_{t,i} = s_{t,i}/Σ_j s_{t,j} (the
 * sequence-wise loss of DeepSeek-V3 §2.1.2 for sigmoid scores), whose backward is
 * dL/ds_{t,j} = (γ_j − Σ_i γ_i s'_{t,i}) / Σ_i s_{t,i} with γ_i = dL/ds'_{t,i}. f_i depends on s only through
 * the piecewise-constant top-K choice, so it carries no gradient. In sparktrain a "sequence" is one micro-batch.
 *
 * <p>References: Wang et al., "Auxiliary-Loss-Free Load Balancing Strategy for Mixture-of-Experts",
 * arXiv:2408.15664, 2024, §2.2; W. Fedus, B. Zoph, N. Shazeer, "Switch Transformers", JMLR 2022; DeepSeek-V3
 * Technical Report, arXiv:2412.19437, eq. 17-20.
 *
 * @param alpha           α, the loss weight (1e-3 in the paper's sigmoid baseline)
 * @param normalizeScores use s' = s / Σ_j s (DeepSeek-V3) instead of the raw scores
 */
public record AuxBalanceLoss(double alpha, boolean normalizeScores) implements java.io.Serializable {
    public AuxBalanceLoss {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("aux loss alpha must be a finite number >= 0, got " + alpha);
        }
    }

    /** L_Bal and dL_Bal/ds (T, N) for one sequence. */
    public Result compute(double[][] scores, Routing routing, int k) {
        int t = scores.length;
        if (t == 0) {
            return new Result(0, null);
        }
        int n = scores[0].length;
        double[] f = new double[n];
        for (int i = 0; i < n; i++) {
            f[i] = (double) n / ((double) k * t) * routing.counts()[i];
        }
        double loss = 0;
        double[][] grad = new double[t][n];
        for (int row = 0; row < t; row++) {
            double rowSum = 0;
            for (int i = 0; i < n; i++) {
                rowSum += scores[row][i];
            }
            double norm = normalizeScores ? rowSum : 1.0;
            double inner = 0;
            for (int i = 0; i < n; i++) {
                double sPrime = scores[row][i] / norm;
                double gamma = alpha * f[i] / t;
                loss += gamma * sPrime;
                inner += gamma * sPrime;
                grad[row][i] = gamma;
            }
            if (normalizeScores) {
                for (int i = 0; i < n; i++) {
                    grad[row][i] = (grad[row][i] - inner) / rowSum;
                }
            }
        }
        return new Result(loss, Nd4j.createFromArray(grad));
    }

    /** @param loss L_Bal; @param dScores dL_Bal/ds (T, N), null for an empty sequence */
    public record Result(double loss, INDArray dScores) {
    }
}

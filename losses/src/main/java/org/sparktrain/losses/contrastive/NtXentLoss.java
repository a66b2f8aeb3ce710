package org.sparktrain.losses.contrastive;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.LossInputs;
import org.sparktrain.losses.RowNormalized;

/**
 * SimCLR's NT-Xent loss (normalized temperature-scaled cross-entropy) with one global temperature.
 *
 * <p>Reference: Chen, Kornblith, Norouzi, Hinton, "A Simple Framework for Contrastive Learning of Visual
 * Representations", ICML 2020, arXiv 2002.05709.
 *
 * <p><b>Math</b>: two views Z1, Z2 (B×dim) of the same B samples; h = [ẑ1; ẑ2] (2B×dim, rows L2-normalized),
 * s_kl = ⟨h_k, h_l⟩. Anchor k's positive is the other view of its sample, π(k) = (k + B) mod 2B; its candidates are
 * all 2B−1 rows except itself:
 * <pre>  L = (1/2B) Σ_k [ log Σ_{l≠k} exp(s_kl/τ) − s_kπ(k)/τ ]</pre>
 * evaluated with the row maximum subtracted (no overflow at small τ). Gradient w.r.t. s: (softmax − onehot)/(2Bτ),
 * symmetric in (k, l) because s is; written out by hand on ND4J in double.
 *
 * <p><b>Per-anchor weights</b> (optional, length B, finite, &gt;= 0; training on a selection, docs/selection.md):
 * with ℓ_i = ℓ_i + ℓ_{i+B} the whole term of sample i (its two anchors, one per view),
 * <pre>  L_c = (1/2B) Σ_i c_i·ℓ_i</pre>
 * The normalisation stays 1/2B (not 1/Σc): c_i = (R/n)·w_i already makes the batch mean an unbiased estimate of the
 * full-data mean. Row k of ∂L/∂s is multiplied by c_{k mod B}, so the anchor's gradient to its positive <em>and to
 * every negative</em> l (through s_kl = s_lk) carries c_i. Negatives are not weighted: sample l's weight does not
 * enter any other anchor's log-sum-exp (a weighted negative set would be a different, self-normalised estimator of
 * the negatives' distribution whose normaliser Σ_l c_l is random, hence biased; and select's weights were drawn for
 * a record's loss as an anchor, not for its role as a negative). So the negatives of an anchor are the other
 * selected records of its batch, one row per record. {@code weights = null} (or all 1) gives exactly the unweighted
 * loss, bit for bit.
 */
public final class NtXentLoss {
    private final double temperature;

    public NtXentLoss(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive finite number, got " + temperature);
        }
        this.temperature = temperature;
    }

    public double temperature() {
        return temperature;
    }

    /** Unweighted: every anchor's factor is 1. */
    public TwoViewGradients compute(INDArray view1, INDArray view2) {
        return compute(view1, view2, null);
    }

    /**
     * @param view1   B×dim, first view (any norm; normalised here)
     * @param view2   B×dim, second view of the same samples
     * @param weights per-sample factors c_i (length B), or null for unweighted
     */
    public TwoViewGradients compute(INDArray view1, INDArray view2, double[] weights) {
        RowNormalized v1 = RowNormalized.of("view1", view1);
        RowNormalized v2 = RowNormalized.of("view2", view2);
        int b = (int) v1.vectors().rows();
        LossInputs.requireShape("view2", v2.vectors(), b, v1.vectors().columns());
        AnchorWeights.check(weights, b);
        INDArray h = Nd4j.vstack(v1.vectors(), v2.vectors());                     // 2B×dim
        double[][] s = h.mmul(h.transpose()).toDoubleMatrix();                    // 2B×2B
        int n = 2 * b;
        double[][] ds = new double[n][n];
        double value = 0;
        for (int k = 0; k < n; k++) {
            int positive = (k + b) % n;
            double c = AnchorWeights.at(weights, k % b);
            double max = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < n; l++) {
                if (l != k) {
                    max = Math.max(max, s[k][l] / temperature);
                }
            }
            double sum = 0;
            for (int l = 0; l < n; l++) {
                if (l != k) {
                    sum += Math.exp(s[k][l] / temperature - max);
                }
            }
            value += c * (max + Math.log(sum) - s[k][positive] / temperature) / n;
            for (int l = 0; l < n; l++) {
                double prob = l == k ? 0 : Math.exp(s[k][l] / temperature - max) / sum;
                ds[k][l] = c * (prob - (l == positive ? 1 : 0)) / (n * temperature);
            }
        }
        INDArray dS = Nd4j.create(ds).castTo(DataType.DOUBLE);
        INDArray dH = dS.add(dS.transpose()).mmul(h);                              // s = h hᵀ
        return new TwoViewGradients(value, v1.backward(LossInputs.rows(dH, 0, b)),
                v2.backward(LossInputs.rows(dH, b, b)));
    }
}

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

    public TwoViewGradients compute(INDArray view1, INDArray view2) {
        RowNormalized v1 = RowNormalized.of("view1", view1);
        RowNormalized v2 = RowNormalized.of("view2", view2);
        int b = (int) v1.vectors().rows();
        LossInputs.requireShape("view2", v2.vectors(), b, v1.vectors().columns());
        INDArray h = Nd4j.vstack(v1.vectors(), v2.vectors());                     // 2B×dim
        double[][] s = h.mmul(h.transpose()).toDoubleMatrix();                    // 2B×2B
        int n = 2 * b;
        double[][] ds = new double[n][n];
        double value = 0;
        for (int k = 0; k < n; k++) {
            int positive = (k + b) % n;
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
            value += (max + Math.log(sum) - s[k][positive] / temperature) / n;
            for (int l = 0; l < n; l++) {
                double prob = l == k ? 0 : Math.exp(s[k][l] / temperature - max) / sum;
                ds[k][l] = (prob - (l == positive ? 1 : 0)) / (n * temperature);
            }
        }
        INDArray dS = Nd4j.create(ds).castTo(DataType.DOUBLE);
        INDArray dH = dS.add(dS.transpose()).mmul(h);                              // s = h hᵀ
        return new TwoViewGradients(value, v1.backward(LossInputs.rows(dH, 0, b)),
                v2.backward(LossInputs.rows(dH, b, b)));
    }
}

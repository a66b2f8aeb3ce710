package org.sparktrain.losses.contrastive;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.LossInputs;
import org.sparktrain.losses.RowNormalized;

/**
 * Bimodal global contrastive loss (two encoders, e.g. image-text or query-document): SogCLR with a fixed τ and
 * iSogCLR with learned τ_i (image-anchored) and τ'_i (text-anchored), LibAUC {@code GCLoss_v2} semantics with the
 * conventions of the original repo available through {@link BimodalConvention}.
 *
 * <p>References: Qiu, Hu, Yuan, Zhou, Zhang, Yang, "Not All Semantics are Created Equal: Contrastive Self-supervised
 * Learning with Automatic Temperature Individualization", ICML 2023, arXiv 2305.11965; Yuan et al., SogCLR,
 * ICML 2022, arXiv 2202.12387. Restated in {@code shared/specs/isogclr.md} §b.
 *
 * <p><b>Math</b>: image features I and text features T of a global batch of G pairs (G×dim each, L2-normalized here),
 * S_ij = ⟨I_i, T_j⟩. Image anchors: H^I_ij = S_ij − S_ii; text anchors: H^T_ij = S_ji − S_ii. Negatives j ≠ i (the
 * positive also enters, with h = 0, if {@code positiveInNormalizer}); n = G − 1. Per direction, anchor i with
 * state (u, b, τ, m):
 * <pre>
 *   b' = max(b, max_j sg[H_ij/τ])                (0 when the shift is off)
 *   e_ij = exp(sg[H_ij/τ] − b')·mask
 *   u' = max((1−γ_i) u e^{b − b'} + γ_i Σ_j e_ij / n, uFloor),   γ_i = 1 on a first visit
 *   p_ij = e_ij / u'
 *   L_dir = (1/G) Σ_i Σ_j p_ij H_ij   (÷ n if divideByNegatives)
 *   L = (L_img + L_txt)/2             (or the sum if sumDirections)
 *   G_i = log u' + b' + ρ − Σ_j p_ij sg[H_ij/τ] / n,  then {@link TemperatureUpdate} (INDIVIDUAL)
 * </pre>
 * Gradients flow only through S (p, u, b, τ detached). With {@code divideByNegatives} and a first visit the gradient
 * equals that of the direction-averaged (1/G) Σ_i τ_i log((1/n) Σ_j exp(H_ij/τ_i)).
 *
 * <p><b>Across workers</b>: the worker passes the gathered features and its block (offset, the block's two states);
 * shares of the loss sum to the global loss and gradients w.r.t. the gathered features sum to the global gradient.
 * ND4J (double) for the products and the normalization backward; the per-anchor state arithmetic in plain Java.
 */
public final class BimodalGlobalContrastiveLoss {
    private final GclConfig config;
    private final BimodalConvention convention;

    public BimodalGlobalContrastiveLoss(GclConfig config, BimodalConvention convention) {
        this.config = config;
        this.convention = convention;
    }

    public BimodalGclResult compute(INDArray image, INDArray text, SampleState imageState, SampleState textState) {
        return computeBlock(image, text, 0, imageState, textState);
    }

    public BimodalGclResult computeBlock(INDArray image, INDArray text, int offset, SampleState imageState,
                                         SampleState textState) {
        RowNormalized vi = RowNormalized.of("image", image);
        RowNormalized vt = RowNormalized.of("text", text);
        INDArray img = vi.vectors();
        INDArray txt = vt.vectors();
        int g = (int) img.rows();
        LossInputs.requireShape("text", txt, g, img.columns());
        int b = imageState.size();
        if (textState.size() != b) {
            throw new IllegalArgumentException("imageState has " + b + " rows but textState " + textState.size());
        }
        if (offset < 0 || b == 0 || offset + b > g) {
            throw new IllegalArgumentException("block [" + offset + ", " + (offset + b) + ") does not fit in a global"
                    + " batch of " + g + " pairs");
        }
        if (g < 2) {
            throw new IllegalArgumentException("the global contrastive loss needs at least 2 pairs per global batch:"
                    + " with " + g + " an anchor has no negative");
        }
        INDArray imgB = LossInputs.rows(img, offset, b);
        INDArray txtB = LossInputs.rows(txt, offset, b);
        double[][] sImg = imgB.mmul(txt.transpose()).toDoubleMatrix();   // [r][j] = S_{o+r, j}
        double[][] sTxt = txtB.mmul(img.transpose()).toDoubleMatrix();   // [r][j] = S_{j, o+r}
        double scale = (convention.divideByNegatives() ? 1.0 / (g - 1) : 1.0) / g
                * (convention.sumDirections() ? 1.0 : 0.5);
        Direction imageDir = direction(sImg, offset, imageState, scale);
        Direction textDir = direction(sTxt, offset, textState, scale);

        // Backward (ND4J, double): H^I_rj = sImg[r][j] − S_ii and H^T_rj = sTxt[r][j] − S_ii.
        INDArray dImgS = Nd4j.create(imageDir.dh).castTo(DataType.DOUBLE);   // ∂/∂sImg, b×G
        INDArray dTxtS = Nd4j.create(textDir.dh).castTo(DataType.DOUBLE);    // ∂/∂sTxt, b×G
        for (int r = 0; r < b; r++) {     // S_ii = sImg[r][o+r] carries −Σ_j of both directions
            double diag = dImgS.getDouble(r, offset + r) - imageDir.rowSums[r] - textDir.rowSums[r];
            dImgS.putScalar(r, offset + r, diag);
        }
        INDArray dImg = dTxtS.transpose().mmul(txtB);
        INDArray dTxt = dImgS.transpose().mmul(imgB);
        LossInputs.addToRows(dImg, offset, dImgS.mmul(txt));
        LossInputs.addToRows(dTxt, offset, dTxtS.mmul(img));
        double mix = convention.sumDirections() ? 1.0 : 0.5;
        return new BimodalGclResult(mix * (imageDir.value + textDir.value), mix * (imageDir.objective
                + textDir.objective), vi.backward(dImg), vt.backward(dTxt), imageDir.state, textDir.state,
                imageDir.tauGradient, textDir.tauGradient);
    }

    /** One direction's terms; {@code s[r][j]} is the score of anchor o+r with candidate j (positive at j = o+r). */
    private Direction direction(double[][] s, int offset, SampleState state, double scale) {
        int b = s.length;
        int g = s[0].length;
        double n = g - 1;
        boolean batchFirstVisit = true;
        for (double u : state.u()) {
            batchFirstVisit &= u == 0;
        }
        double[][] dh = new double[b][g];
        double[] rowSums = new double[b];
        double[] uNew = new double[b];
        double[] bNew = new double[b];
        double[] tauNew = state.tau().clone();
        double[] momNew = state.momentum().clone();
        double[] tauGrad = new double[b];
        double value = 0;
        double objective = 0;
        for (int r = 0; r < b; r++) {
            int pos = offset + r;
            double tau = config.mode() == TemperatureMode.INDIVIDUAL ? state.tau()[r] : config.tau();
            double[] h = new double[g];
            boolean[] inNormalizer = new boolean[g];
            double rowMax = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < g; j++) {
                h[j] = s[r][j] - s[r][pos];
                inNormalizer[j] = j != pos || convention.positiveInNormalizer();
                if (inNormalizer[j]) {
                    rowMax = Math.max(rowMax, h[j] / tau);
                }
            }
            if (!config.runningMaxShift() && state.shift()[r] != 0) {
                throw new IllegalArgumentException("state row " + r + " has shift b=" + state.shift()[r]
                        + " but runningMaxShift is off: its u is in a shifted domain");
            }
            double shift = GclStateUpdate.shift(state.shift()[r], rowMax, config.runningMaxShift());
            double[] e = new double[g];
            double sum = 0;
            for (int j = 0; j < g; j++) {
                if (inNormalizer[j]) {
                    e[j] = Math.exp(h[j] / tau - shift);
                    sum += e[j];
                }
            }
            boolean first = config.firstVisit() == FirstVisitRule.PER_SAMPLE ? state.u()[r] == 0 : batchFirstVisit;
            double u = GclStateUpdate.movingAverage(state.u()[r], state.shift()[r], shift, sum / n,
                    GclStateUpdate.effectiveGamma(first, config.gamma()), config.uFloor());
            if (!Double.isFinite(u)) {
                throw new ArithmeticException("exp(h/tau) overflowed double (tau=" + tau + "); turn runningMaxShift on");
            }
            double weighted = 0;
            double weightedLogit = 0;
            for (int j = 0; j < g; j++) {
                double p = e[j] / u;
                weighted += p * h[j];
                weightedLogit += p * h[j] / tau / n;
                dh[r][j] = p * scale;
                rowSums[r] += p * scale;
            }
            value += weighted * (convention.divideByNegatives() ? 1.0 / n : 1.0) / g;
            objective += tau * (Math.log(u) + shift) / g;
            uNew[r] = u;
            bNew[r] = shift;
            if (config.mode() == TemperatureMode.INDIVIDUAL) {
                objective += config.rho() * tau / g;
                tauGrad[r] = GclStateUpdate.tauGradient(u, shift, config.rho(), weightedLogit);
                TemperatureUpdate step = TemperatureUpdate.step(tauGrad[r], state.momentum()[r], tau, config);
                momNew[r] = step.momentum();
                tauNew[r] = step.tau();
            }
        }
        return new Direction(value, objective, dh, rowSums, new SampleState(uNew, bNew, tauNew, momNew), tauGrad);
    }

    private record Direction(double value, double objective, double[][] dh, double[] rowSums, SampleState state,
                             double[] tauGradient) {
    }
}

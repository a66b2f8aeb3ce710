package org.sparktrain.zoo.moe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Random;

/**
 * A Mixture-of-Experts feed-forward layer (DeepSeekMoE form) with routing that can be balanced without an auxiliary
 * loss, forward and backward written by hand on ND4J in double precision (the routing choice in plain Java).
 *
 * <p>Math, for T tokens U (T, d), N routed experts with centroids e_i (rows of E, (N, d)), K active per token:
 * <pre>
 *   z_{t,i} = u_tᵀ e_i,   s_{t,i} = G(z_{t,i})                  (G = sigmoid, or softmax over i: {@link RouterScore})
 *   𝒯_t     = TopK_i(s_{t,i} + b_i, K)                          (b: balancing bias, {@link Routing})
 *   g_{t,i} = s_{t,i}                      if i ∈ 𝒯_t, else 0   (Wang et al. 2024, eq. 3: b never enters g)
 *   g_{t,i} = ρ s_{t,i} / Σ_{j∈𝒯_t} s_{t,j}  if i ∈ 𝒯_t, else 0   (DeepSeek-V3 with renormalize = true, ρ = routeScale)
 *   h_t     = u_t + Σ_{j shared} FFN^s_j(u_t) + Σ_i g_{t,i} FFN_i(u_t)
 * </pre>
 * Each FFN is an {@link ExpertFfn}. An expert only runs on the tokens routed to it (gathered with ND4J
 * {@code pullRows}, scattered back gate-weighted by a plain Java loop).
 *
 * <p>Gradients: the bias b is <em>state, not a parameter</em>: it only moves the piecewise-constant top-K choice,
 * so no gradient flows to it or through the choice. dL/ds comes from the gates (paper: dL/ds_{t,i} = dL/dg_{t,i} on
 * the selected experts; renormalised: dL/ds_{t,j} = (ρ/S_t)(dL/dg_{t,j} − Σ_{i∈𝒯_t} dL/dg_{t,i} g_{t,i}/ρ) with
 * S_t = Σ_{i∈𝒯_t} s_{t,i}) plus any extra score gradient (the auxiliary balance loss, {@link AuxBalanceLoss}).
 *
 * <p>Parameter layout from {@code offset} in a flat (1, P) double vector: E (N, d) row-major, then each routed expert
 * (W1, c1, W2, c2), then each shared expert. Initialisation: E ~ N(0, 1/d); expert W1 ~ N(0, 1/d), W2 ~ N(0, 1/h)
 * scaled by {@code 1/sqrt(K + numShared)}; biases 0.
 *
 * <p>References: L. Wang, H. Gao, C. Zhao, X. Sun, D. Dai, "Auxiliary-Loss-Free Load Balancing Strategy for
 * Mixture-of-Experts", arXiv:2408.15664, 2024. DeepSeek-AI, "DeepSeek-V3 Technical Report", arXiv:2412.19437, 2024,
 * §2.1.2. D. Dai et al., "DeepSeekMoE", arXiv:2401.06066, 2024.
 */
public final class MoeLayer {
    private final MoeLayerConfig cfg;
    private final long offset;
    private final ExpertFfn[] routed;
    private final ExpertFfn[] shared;
    private final long numParams;

    public MoeLayer(MoeLayerConfig cfg, long offset) {
        this.cfg = cfg;
        this.offset = offset;
        int d = cfg.dModel();
        long at = offset + (long) cfg.numExperts() * d;
        routed = new ExpertFfn[cfg.numExperts()];
        for (int i = 0; i < routed.length; i++) {
            routed[i] = new ExpertFfn(d, cfg.expertHidden(), at);
            at += routed[i].numParams();
        }
        shared = new ExpertFfn[cfg.numShared()];
        for (int j = 0; j < shared.length; j++) {
            shared[j] = new ExpertFfn(d, cfg.sharedHidden(), at);
            at += shared[j].numParams();
        }
        numParams = at - offset;
    }

    /** Parameters of one layer with this config. */
    public static long numParams(MoeLayerConfig cfg) {
        return new MoeLayer(cfg, 0).numParams();
    }

    public long numParams() {
        return numParams;
    }

    /** Appends the routing centroids, then every routed and shared expert's tensors (the flat order). */
    public void tensors(String prefix, org.sparktrain.zoo.ParamTensors out) {
        out.add(prefix + ".centroids", (long) cfg.numExperts() * cfg.dModel());
        for (int i = 0; i < routed.length; i++) {
            routed[i].tensors(prefix + ".expert" + i, out);
        }
        for (int j = 0; j < shared.length; j++) {
            shared[j].tensors(prefix + ".shared" + j, out);
        }
    }

    public MoeLayerConfig config() {
        return cfg;
    }

    public void initialize(INDArray flat, Random rng) {
        ExpertFfn.fill(centroidBlock(flat), rng, 1.0 / Math.sqrt(cfg.dModel()));
        double outScale = 1.0 / Math.sqrt(cfg.topK() + cfg.numShared());
        for (ExpertFfn e : routed) {
            e.initialize(flat, rng, outScale);
        }
        for (ExpertFfn e : shared) {
            e.initialize(flat, rng, outScale);
        }
    }

    /**
     * Forward pass.
     *
     * @param flat parameters (1, P) double
     * @param u    tokens (T, d) double
     * @param bias balancing bias b (N entries; null = 0); used only for the top-K choice
     */
    public Pass forward(INDArray flat, INDArray u, double[] bias) {
        requireDouble(flat, "parameters");
        requireDouble(u, "tokens");
        int t = (int) u.rows();
        int n = cfg.numExperts();
        INDArray e = centroids(flat);
        INDArray scores = cfg.score().apply(u.mmul(e.transpose()));
        double[][] s = new double[t][];
        double[] flatScores = t == 0 ? new double[0] : scores.dup('c').data().asDouble();
        for (int row = 0; row < t; row++) {
            s[row] = java.util.Arrays.copyOfRange(flatScores, row * n, (row + 1) * n);
        }
        Routing routing = Routing.select(s, bias, cfg.topK());
        double[][] gates = new double[t][n];
        for (int row = 0; row < t; row++) {
            double sum = 0;
            for (int i : routing.chosen()[row]) {
                sum += s[row][i];
            }
            for (int i : routing.chosen()[row]) {
                gates[row][i] = cfg.renormalize() ? cfg.routeScale() * s[row][i] / sum : s[row][i];
            }
        }
        INDArray h = u.dup();
        ExpertFfn.Pass[] sharedPasses = new ExpertFfn.Pass[shared.length];
        for (int j = 0; j < shared.length; j++) {
            sharedPasses[j] = shared[j].forward(flat, u);
            h.addi(sharedPasses[j].y());
        }
        ExpertFfn.Pass[] routedPasses = new ExpertFfn.Pass[n];
        double[][] routedSum = new double[t][cfg.dModel()];
        for (int i = 0; i < n; i++) {
            int[] tok = routing.tokens()[i];
            if (tok.length == 0) {
                continue;
            }
            routedPasses[i] = routed[i].forward(flat, Nd4j.pullRows(u, 1, tok));
            scatterAdd(routedSum, tok, routedPasses[i].y(), gates, i);
        }
        if (t > 0) {
            h.addi(Nd4j.createFromArray(routedSum));
        }
        return new Pass(u, scores, s, routing, gates, sharedPasses, routedPasses, h);
    }

    /**
     * Backward pass: adds the layer's parameter gradient into {@code grad} (same layout as {@code flat}) and returns
     * dL/dU (T, d).
     *
     * @param dH          dL/dH (T, d)
     * @param extraDScore an extra dL/ds (T, N) from a loss on the scores (the auxiliary balance loss), or null
     */
    public INDArray backward(INDArray flat, Pass p, INDArray dH, INDArray extraDScore, INDArray grad) {
        int t = (int) p.u.rows();
        int n = cfg.numExperts();
        INDArray dU = dH.dup();
        for (int j = 0; j < shared.length; j++) {
            dU.addi(shared[j].backward(flat, p.sharedPasses[j], dH, grad));
        }
        double[][] dGate = new double[t][n];
        double[][] dRouted = new double[t][cfg.dModel()];
        for (int i = 0; i < n; i++) {
            int[] tok = p.routing.tokens()[i];
            if (tok.length == 0) {
                continue;
            }
            INDArray dHi = Nd4j.pullRows(dH, 1, tok);
            INDArray yi = p.routedPasses[i].y();
            double[] dg = dHi.mul(yi).sum(1).toDoubleVector();
            double[] g = new double[tok.length];
            for (int r = 0; r < tok.length; r++) {
                dGate[tok[r]][i] = dg[r];
                g[r] = p.gates[tok[r]][i];
            }
            INDArray dYi = dHi.mulColumnVector(Nd4j.createFromArray(g).reshape(tok.length, 1));
            INDArray dXi = routed[i].backward(flat, p.routedPasses[i], dYi, grad);
            scatterAdd(dRouted, tok, dXi, null, i);
        }
        if (t > 0) {
            dU.addi(Nd4j.createFromArray(dRouted));
        }
        double[][] dS = new double[t][n];
        for (int row = 0; row < t; row++) {
            int[] sel = p.routing.chosen()[row];
            if (!cfg.renormalize()) {
                for (int i : sel) {
                    dS[row][i] = dGate[row][i];
                }
            } else {
                double sum = 0;
                double inner = 0;
                for (int i : sel) {
                    sum += p.s[row][i];
                    inner += dGate[row][i] * p.gates[row][i];
                }
                for (int i : sel) {
                    dS[row][i] = (cfg.routeScale() * dGate[row][i] - inner) / sum;
                }
            }
        }
        INDArray dScores = t == 0 ? Nd4j.zeros(DataType.DOUBLE, 0, n) : Nd4j.createFromArray(dS);
        if (extraDScore != null) {
            dScores.addi(extraDScore);
        }
        INDArray dZ = cfg.score().backward(dScores, p.scores);
        centroidBlock(grad).addi(dZ.transpose().mmul(p.u).reshape(-1));
        dU.addi(dZ.mmul(centroids(flat)));
        return dU;
    }

    /**
     * Scatter-add in plain Java: {@code acc[tok[r]] += w_r · rows[r]} for every row r of {@code rows} (|tok|, d), with
     * w_r the gate g[tok[r]][expert] if gates != null, else 1. (Was a (T, |tok|) one-hot matrix product: O(T·|tok|·d)
     * instead of O(|tok|·d), which dominated the step once T = thousands of LM tokens.)
     */
    private static void scatterAdd(double[][] acc, int[] tok, INDArray rows, double[][] gates, int expert) {
        int d = (int) rows.columns();
        double[] y = rows.dup('c').data().asDouble(); // one copy; toDoubleMatrix() makes one native call per row
        for (int r = 0; r < tok.length; r++) {
            double w = gates == null ? 1.0 : gates[tok[r]][expert];
            double[] target = acc[tok[r]];
            for (int c = 0; c < d; c++) {
                target[c] += w * y[r * d + c];
            }
        }
    }

    private INDArray centroidBlock(INDArray flat) {
        return flat.get(NDArrayIndex.point(0),
                NDArrayIndex.interval(offset, offset + (long) cfg.numExperts() * cfg.dModel()));
    }

    private INDArray centroids(INDArray flat) {
        return centroidBlock(flat).reshape('c', cfg.numExperts(), cfg.dModel());
    }

    private static void requireDouble(INDArray a, String what) {
        if (a.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("MoeLayer computes in double precision; " + what + " are " + a.dataType());
        }
    }

    /**
     * Activations of one forward pass.
     *
     * @param scores  s (T, N) as an ND4J array; {@code s} the same values as Java arrays
     * @param gates   g (T, N), zero outside the selection
     * @param output  h (T, d)
     */
    public record Pass(INDArray u, INDArray scores, double[][] s, Routing routing, double[][] gates,
                       ExpertFfn.Pass[] sharedPasses, ExpertFfn.Pass[] routedPasses, INDArray output) {
    }
}

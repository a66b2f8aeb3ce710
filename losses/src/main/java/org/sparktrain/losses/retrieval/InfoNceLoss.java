package org.sparktrain.losses.retrieval;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.LossInputs;
import org.sparktrain.losses.ScoringRows;

/**
 * InfoNCE (softmax cross-entropy over candidate documents) with in-batch negatives for bi-encoders.
 *
 * <p>References: van den Oord, Li, Vinyals, "Representation Learning with Contrastive Predictive Coding",
 * arXiv 1807.03748, 2018 (InfoNCE); Karpukhin et al., "Dense Passage Retrieval for Open-Domain Question Answering",
 * EMNLP 2020, arXiv 2004.04906 (in-batch negatives with a hard negative per question).
 *
 * <p><b>Math</b>: a global batch of G triples (q_k, d_k+, d_k−), score s (cosine or dot), temperature τ. The
 * candidates of query i are C = [d_1+ … d_G+, d_1− … d_G−] (only the positives without {@code hardNegatives}; only
 * {d_i+, d_i−} without {@code inBatchNegatives}); its positive is d_i+. With z_ic = s(q_i, c)/τ,
 * <pre>  L = (1/G) Σ_i [ log Σ_{c∈C_i} exp(z_ic) − z_i,d_i+ ],   ∂L/∂z_ic = (softmax_i(z)_c − 1[c = d_i+]) / G.</pre>
 * The softmax is evaluated with the row maximum subtracted, so a tiny τ does not overflow.
 *
 * <p><b>Shapes</b>: Q, D+, D− each G×dim (D− may be null when {@code hardNegatives} is false). Gradients have the
 * same shapes. Hand-written backward on ND4J in double (matrix products), the per-row softmax in plain Java.
 * {@link #computeWorker} evaluates the rows of one worker's local queries against the gathered documents; its
 * shares sum to {@link #compute} on the concatenated batch.
 */
public final class InfoNceLoss {
    private final InfoNceConfig config;

    public InfoNceLoss(InfoNceConfig config) {
        this.config = config;
    }

    public TripleGradients compute(TripleEmbeddings batch) {
        WorkerGradients g = computeWorker(new WorkerTriples(batch.queries(), batch.positives(), batch.negatives(), 0));
        return new TripleGradients(g.value(), g.localQueries(), g.globalPositives(), g.globalNegatives());
    }

    /** The local rows' share of the loss over the global batch (see {@link WorkerTriples}); globalQueries unused. */
    public WorkerGradients computeWorker(WorkerTriples in) {
        ScoringRows q = config.similarity().prepare("localQueries", in.localQueries());
        ScoringRows p = config.similarity().prepare("globalPositives", in.globalPositives());
        long b = q.vectors().rows();
        long g = p.vectors().rows();
        long dim = q.vectors().columns();
        LossInputs.requireShape("globalPositives", p.vectors(), g, dim);
        ScoringRows n = null;
        if (config.hardNegatives()) {
            n = config.similarity().prepare("globalNegatives", in.globalNegatives());
            LossInputs.requireShape("globalNegatives", n.vectors(), g, dim);
        }
        int o = in.offset();
        if (o < 0 || o + b > g) {
            throw new IllegalArgumentException("offset " + o + " with " + b + " local queries does not fit in a global"
                    + " batch of " + g + " triples");
        }
        INDArray candidates = n == null ? p.vectors() : Nd4j.vstack(p.vectors(), n.vectors());   // C×dim
        INDArray logits = q.vectors().mmul(candidates.transpose()).div(config.temperature()); // b×C
        double[][] z = logits.toDoubleMatrix();
        double[][] dz = new double[(int) b][z[0].length];
        double value = 0;
        for (int r = 0; r < b; r++) {
            int positive = o + r;
            boolean[] allowed = new boolean[z[r].length];
            for (int c = 0; c < allowed.length; c++) {
                allowed[c] = config.inBatchNegatives() || c == positive || c == g + positive;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < allowed.length; c++) {
                if (allowed[c]) {
                    max = Math.max(max, z[r][c]);
                }
            }
            double sum = 0;
            for (int c = 0; c < allowed.length; c++) {
                if (allowed[c]) {
                    sum += Math.exp(z[r][c] - max);
                }
            }
            value += (max + Math.log(sum) - z[r][positive]) / g;
            for (int c = 0; c < allowed.length; c++) {
                double prob = allowed[c] ? Math.exp(z[r][c] - max) / sum : 0;
                dz[r][c] = (prob - (c == positive ? 1 : 0)) / g;
            }
        }
        INDArray dS = Nd4j.create(dz).castTo(DataType.DOUBLE).div(config.temperature());   // ∂L/∂s, b×C
        INDArray dQ = dS.mmul(candidates);
        INDArray dC = dS.transpose().mmul(q.vectors());
        INDArray dP = LossInputs.rows(dC, 0, g);
        INDArray dN = n == null ? null : n.backward(LossInputs.rows(dC, g, g));
        return new WorkerGradients(value, q.backward(dQ), null, p.backward(dP), dN);
    }
}

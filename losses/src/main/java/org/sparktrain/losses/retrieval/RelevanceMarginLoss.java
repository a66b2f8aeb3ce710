package org.sparktrain.losses.retrieval;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.LossInputs;
import org.sparktrain.losses.RowNormalized;

/**
 * Margin-regression loss for bi-encoders with a static or a self-distilled adaptive relevance margin.
 *
 * <p>Reference: Gienapp, Deckers, Potthast, Scells, "Learning Effective Representations for Retrieval Using
 * Self-Distillation with Adaptive Relevance Margins", ICTIR 2025, arXiv 2407.21515; restated from the reference
 * code (webis-de/adaptive-relevance-margin-loss, {@code src/loss.py}) in {@code shared/specs/self-distillation-retrieval.md}.
 *
 * <p><b>Inputs</b>: a batch of B triples as three B×dim embedding matrices Q (queries), D+ (positives),
 * D− (negatives). s(a,b) is the cosine similarity (no epsilon). P_ij = s(q_i,d_j+), N_ij = s(q_i,d_j−),
 * D_ij = s(d_i+,d_j−). φ is the {@link MarginErrorFunction}; the loss is the mean of φ(margin − target) over all
 * entries:
 * <pre>
 *   static,   no in-batch : mean_k φ(P_kk − N_kk − c)
 *   static,   in-batch    : mean_ij φ(M_ij − c)
 *   adaptive, no in-batch : mean_k φ(P_kk − N_kk − (D_kk + 1)/2)
 *   adaptive, in-batch    : mean_ij φ(M_ij − (D_ij + 1)/2)
 *   distributed           : mean_ij φ(m_ij − (D_ij + 1)/2)
 *   BROADCAST reading (code, default): M_ij = P_jj − N_ij,  m_ij = P_jj − N_jj
 *   SYMMETRIC reading                 : M_ij = P_ii − N_ij,  m_ij = P_ii − N_ii
 * </pre>
 * Nothing is detached unless {@code detachTarget} is set, so the adaptive target is trained too
 * (self-distillation: student and teacher are the same encoder in the same step).
 *
 * <p><b>Outputs</b>: the loss value and its exact gradient w.r.t. Q, D+, D− (each B×dim), written out by hand on
 * ND4J in double precision (matrix products for the similarities and their backward; the per-entry φ and φ' are
 * plain Java on the B×B entries).
 *
 * <p><b>Across workers</b>: {@link #computeWorker} evaluates the rows i of the loss matrix that belong to one
 * worker's block of a concatenated global batch (see {@link WorkerTriples}, {@link WorkerGradients}); the shares of
 * all workers sum to {@link #compute} on the concatenated batch.
 */
public final class RelevanceMarginLoss {
    private final RelevanceMarginConfig config;

    public RelevanceMarginLoss(RelevanceMarginConfig config) {
        this.config = config;
    }

    public RelevanceMarginConfig config() {
        return config;
    }

    /** Loss and gradients on one whole batch of triples. */
    public TripleGradients compute(TripleEmbeddings batch) {
        return compute(batch, null);
    }

    /** Loss and gradients on one whole batch of triples with per-triple weights (null = all 1), see below. */
    public TripleGradients compute(TripleEmbeddings batch, double[] rowWeights) {
        WorkerGradients g = computeWorker(WorkerTriples.whole(batch), rowWeights);
        INDArray dq = g.localQueries();
        if (g.globalQueries() != null) {
            dq = dq.add(g.globalQueries());
        }
        return new TripleGradients(g.value(), dq, g.globalPositives(), g.globalNegatives());
    }

    /** One worker's share (its rows of the loss matrix) of the loss over the global batch, and its gradients. */
    public WorkerGradients computeWorker(WorkerTriples in) {
        return computeWorker(in, null);
    }

    /**
     * One worker's share with per-row weights: every entry of row i of the loss matrix (the entries of local triple
     * i: e_i without in-batch negatives, E_ij for all j with them) is multiplied by w_i, so the share is
     * (1/count)·Σ_i w_i Σ_j φ(E_ij) (count = G or G² as above) and ∂/∂E_ij gets the same factor w_i. All weights 1
     * (or {@code rowWeights} null) is the unweighted loss. Used for selection weights (train-biencoder's
     * {@code data.selection}).
     *
     * @param rowWeights the b weights of the local rows (finite, >= 0), or null
     */
    public WorkerGradients computeWorker(WorkerTriples in, double[] rowWeights) {
        RowNormalized ql = RowNormalized.of("localQueries", in.localQueries());
        RowNormalized pg = RowNormalized.of("globalPositives", in.globalPositives());
        RowNormalized ng = RowNormalized.of("globalNegatives", in.globalNegatives());
        long b = ql.vectors().rows();
        long g = pg.vectors().rows();
        long dim = ql.vectors().columns();
        LossInputs.requireShape("globalPositives", pg.vectors(), g, dim);
        LossInputs.requireShape("globalNegatives", ng.vectors(), g, dim);
        int o = in.offset();
        if (o < 0 || o + b > g) {
            throw new IllegalArgumentException("offset " + o + " with " + b + " local queries does not fit in a global"
                    + " batch of " + g + " triples");
        }
        RowNormalized qg = null;
        if (config.usesOtherQueries()) {
            if (in.globalQueries() == null) {
                throw new IllegalArgumentException("globalQueries is required by the BROADCAST reading with in-batch"
                        + " negatives or the DISTRIBUTED target (an entry of row i uses cos(q_j, d_j+) of every j)");
            }
            qg = RowNormalized.of("globalQueries", in.globalQueries());
            LossInputs.requireShape("globalQueries", qg.vectors(), g, dim);
            INDArray block = qg.vectorRows(o, b);
            double mismatch = block.sub(ql.vectors()).norm2Number().doubleValue();
            if (mismatch > 1e-9) {
                throw new IllegalArgumentException("globalQueries rows [" + o + ", " + (o + b) + ") differ from "
                        + "localQueries (‖Δ‖=" + mismatch + "): the offset or the gather order is wrong");
            }
        }

        INDArray q = ql.vectors();                   // b×dim, local queries
        INDArray posOwn = pg.vectorRows(o, b);      // b×dim, d_i+ of the local rows
        INDArray negOwn = ng.vectorRows(o, b);      // b×dim, d_i− of the local rows
        INDArray p = LossInputs.rowDots(q, posOwn);   // b×1, P_ii
        INDArray n = LossInputs.rowDots(q, negOwn);   // b×1, N_ii

        // Gradients w.r.t. the unit vectors, filled by the backward of each similarity below.
        if (rowWeights != null) {
            LossInputs.requireVector("rowWeights", rowWeights, (int) b);
            for (double w : rowWeights) {
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("rowWeights must be finite and >= 0, got " + w);
                }
            }
        }
        INDArray w = rowWeights == null ? null : Nd4j.create(rowWeights, new long[]{b, 1}, DataType.DOUBLE);

        INDArray dQ = Nd4j.zeros(DataType.DOUBLE, b, dim);
        INDArray dP = Nd4j.zeros(DataType.DOUBLE, g, dim);
        INDArray dN = Nd4j.zeros(DataType.DOUBLE, g, dim);
        INDArray dQg = qg == null ? null : Nd4j.zeros(DataType.DOUBLE, g, dim);
        boolean targetTrains = config.target() != MarginTarget.STATIC && !config.detachTarget();
        double value;

        if (!config.fullMatrix()) {
            // G entries, one per triple: e_i = P_ii − N_ii − t_i.
            INDArray t = config.target() == MarginTarget.STATIC
                    ? Nd4j.valueArrayOf(new long[]{b, 1}, config.staticMargin(), DataType.DOUBLE)
                    : LossInputs.rowDots(posOwn, negOwn).add(1).div(2);
            INDArray e = p.sub(n).sub(t);
            double count = g;
            value = sumPhi(e, rowWeights) / count;
            INDArray de = weighted(phiPrime(e), w).div(count);        // b×1
            dQ.addi(posOwn.mulColumnVector(de)).subi(negOwn.mulColumnVector(de));
            LossInputs.addToRows(dP, o, q.mulColumnVector(de));
            LossInputs.addToRows(dN, o, q.mulColumnVector(de).neg());
            if (targetTrains) {
                INDArray dd = de.neg().div(2);                         // ∂/∂D_ii
                LossInputs.addToRows(dP, o, negOwn.mulColumnVector(dd));
                LossInputs.addToRows(dN, o, posOwn.mulColumnVector(dd));
            }
        } else {
            // b×G entries E_ij (rows i of this worker, all columns j of the global batch).
            INDArray nAll = q.mmul(ng.vectors().transpose());             // N_ij, b×G
            INDArray dAll = posOwn.mmul(ng.vectors().transpose());        // D_ij, b×G
            INDArray t = config.target() == MarginTarget.STATIC
                    ? Nd4j.valueArrayOf(new long[]{b, g}, config.staticMargin(), DataType.DOUBLE)
                    : dAll.add(1).div(2);
            INDArray margin;
            INDArray pGlobal = null;
            INDArray nGlobal = null;
            boolean distributed = config.target() == MarginTarget.DISTRIBUTED;
            if (config.reading() == MarginReading.BROADCAST) {
                pGlobal = LossInputs.rowDots(qg.vectors(), pg.vectors()).reshape(1, g);       // P_jj as a row
                INDArray rowMargin = pGlobal;
                if (distributed) {
                    nGlobal = LossInputs.rowDots(qg.vectors(), ng.vectors()).reshape(1, g);   // N_jj as a row
                    rowMargin = pGlobal.sub(nGlobal);
                    margin = Nd4j.zeros(DataType.DOUBLE, b, g).addRowVector(rowMargin);
                } else {
                    margin = nAll.neg().addRowVector(rowMargin);
                }
            } else {
                INDArray colMargin = distributed ? p.sub(n) : p;
                margin = distributed
                        ? Nd4j.zeros(DataType.DOUBLE, b, g).addColumnVector(colMargin)
                        : nAll.neg().addColumnVector(colMargin);
            }
            INDArray e = margin.sub(t);
            double count = (double) g * g;
            value = sumPhi(e, rowWeights) / count;
            INDArray de = weighted(phiPrime(e), w).div(count);        // b×G

            // Margin terms.
            if (config.reading() == MarginReading.BROADCAST) {
                INDArray dPjj = de.sum(0).reshape(g, 1);               // ∂/∂P_jj
                dQg.addi(pg.vectors().mulColumnVector(dPjj));
                dP.addi(qg.vectors().mulColumnVector(dPjj));
                if (distributed) {
                    dQg.subi(ng.vectors().mulColumnVector(dPjj));
                    dN.subi(qg.vectors().mulColumnVector(dPjj));
                }
            } else {
                INDArray dPii = de.sum(1).reshape(b, 1);               // ∂/∂P_ii (and −∂/∂N_ii when distributed)
                dQ.addi(posOwn.mulColumnVector(dPii));
                LossInputs.addToRows(dP, o, q.mulColumnVector(dPii));
                if (distributed) {
                    dQ.subi(negOwn.mulColumnVector(dPii));
                    LossInputs.addToRows(dN, o, q.mulColumnVector(dPii).neg());
                }
            }
            if (!distributed) {                                        // −N_ij in M_ij
                INDArray dNij = de.neg();
                dQ.addi(dNij.mmul(ng.vectors()));
                dN.addi(dNij.transpose().mmul(q));
            }
            if (targetTrains) {                                        // −(D_ij + 1)/2
                INDArray dDij = de.neg().div(2);
                LossInputs.addToRows(dP, o, dDij.mmul(ng.vectors()));
                dN.addi(dDij.transpose().mmul(posOwn));
            }
        }
        return new WorkerGradients(value, ql.backward(dQ), qg == null ? null : qg.backward(dQg),
                pg.backward(dP), ng.backward(dN));
    }

    /** Σ_ij w_i φ(E_ij) (w null = all 1). */
    private double sumPhi(INDArray e, double[] w) {
        double[] v = e.dup('c').data().asDouble();
        long cols = e.columns();
        double s = 0;
        for (int k = 0; k < v.length; k++) {
            s += (w == null ? 1 : w[(int) (k / cols)]) * config.errorFunction().value(v[k]);
        }
        return s;
    }

    private static INDArray weighted(INDArray de, INDArray w) {
        return w == null ? de : de.mulColumnVector(w);
    }

    private INDArray phiPrime(INDArray e) {
        double[] v = e.dup('c').data().asDouble();
        for (int k = 0; k < v.length; k++) {
            v[k] = config.errorFunction().derivative(v[k]);
        }
        return Nd4j.create(v, e.shape(), 'c');
    }
}

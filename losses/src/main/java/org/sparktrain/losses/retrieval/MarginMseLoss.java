package org.sparktrain.losses.retrieval;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.LossInputs;
import org.sparktrain.losses.ScoringRows;
import org.sparktrain.losses.SimilarityKind;

/**
 * Margin-MSE: distillation of a teacher's score margin into a bi-encoder.
 *
 * <p>Reference: Hofstätter, Althammer, Schröder, Sertkan, Hanbury, "Improving Efficient Neural Ranking Models with
 * Cross-Architecture Knowledge Distillation", arXiv 2010.02666, 2020.
 *
 * <p><b>Math</b>: for B triples (q_k, d_k+, d_k−) with teacher scores t_k+ = T(q_k, d_k+), t_k− = T(q_k, d_k−),
 * <pre>  L = (1/B) Σ_k ( s(q_k, d_k+) − s(q_k, d_k−) − (t_k+ − t_k−) )²</pre>
 * with s the dot product (the paper's BERT_DOT student, default) or the cosine. The teacher is a constant.
 *
 * <p><b>Shapes</b>: Q, D+, D− each B×dim, teacher scores length B; gradients B×dim. Hand-written backward on
 * ND4J in double. The loss is row-wise, so a worker applies it to its own rows (no gathered documents needed).
 */
public final class MarginMseLoss {
    private final SimilarityKind similarity;

    public MarginMseLoss(SimilarityKind similarity) {
        if (similarity == null) {
            throw new IllegalArgumentException("similarity must be set");
        }
        this.similarity = similarity;
    }

    /** The paper's form: dot-product student. */
    public static MarginMseLoss dot() {
        return new MarginMseLoss(SimilarityKind.DOT);
    }

    public TripleGradients compute(TripleEmbeddings batch, double[] teacherPositive, double[] teacherNegative) {
        ScoringRows q = similarity.prepare("queries", batch.queries());
        ScoringRows p = similarity.prepare("positives", batch.positives());
        ScoringRows n = similarity.prepare("negatives", batch.negatives());
        int b = (int) q.vectors().rows();
        long dim = q.vectors().columns();
        LossInputs.requireShape("positives", p.vectors(), b, dim);
        LossInputs.requireShape("negatives", n.vectors(), b, dim);
        LossInputs.requireVector("teacherPositive", teacherPositive, b);
        LossInputs.requireVector("teacherNegative", teacherNegative, b);
        double[] teacherMargin = new double[b];
        for (int k = 0; k < b; k++) {
            teacherMargin[k] = teacherPositive[k] - teacherNegative[k];
        }
        INDArray studentMargin = LossInputs.rowDots(q.vectors(), p.vectors())
                .sub(LossInputs.rowDots(q.vectors(), n.vectors()));                           // b×1
        INDArray e = studentMargin.sub(Nd4j.create(teacherMargin, new long[]{b, 1}, DataType.DOUBLE));
        double value = e.mul(e).sumNumber().doubleValue() / b;
        INDArray de = e.mul(2.0 / b);                                                          // ∂L/∂margin
        INDArray dQ = p.vectors().sub(n.vectors()).mulColumnVector(de);
        INDArray dP = q.vectors().mulColumnVector(de);
        INDArray dN = q.vectors().mulColumnVector(de).neg();
        return new TripleGradients(value, q.backward(dQ), p.backward(dP), n.backward(dN));
    }
}

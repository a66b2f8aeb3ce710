package org.sparktrain.zoo.grownet;

/**
 * GrowNet's fully corrective step: the task loss of the whole ensemble, Σ_i l(y_i, F(x_i)) with
 * F = c0 + α Σ_k f_k, minimised over the parameters of every learner and α ({@link GrowNetModel#flatParams()}
 * layout). Gradients flow through the chain of penultimate features: learner k's input [x ; φ_{k−1}] passes
 * ∂L/∂φ_{k−1} back to learner k−1. With g_i = ∂l/∂F_i: ∂L/∂f_k,i = α g_i and ∂L/∂α = Σ_i g_i Σ_k f_k(x_i).
 * All learners run in train mode (synchronised batch statistics), as in the reference code. For
 * {@link GrowNetTask#RANKING} the loss is the RankNet loss Σ_q L_q of {@link PairwiseRankNet} over the batch's
 * queries (rows grouped by {@code queryStarts}) and g_i = ∂L/∂F_i is its per-document gradient.
 *
 * <p>Record weights c_i (pointwise tasks; a selection's (R/n)·w_i, docs/selection.md): L = Σ_i c_i l(y_i, F(x_i)),
 * so g_i = c_i ∂l/∂F_i, and every learner's BatchNorm layers use the weighted batch statistics ({@link BatchNorm}):
 * an integer c_i trains exactly like row i repeated c_i times.
 *
 * <p>Reference: Badirli et al., "Gradient Boosting Neural Networks: GrowNet", arXiv:2002.07971, 2020, Sec. 3.2.
 */
public final class CorrectiveObjective {
    private CorrectiveObjective() {
    }

    /**
     * @param x              standardised features (rows, d), row-major
     * @param y              canonical labels (rows)
     * @param learnBoostRate false keeps α constant (its gradient is 0)
     */
    public static ObjectiveResult compute(GrowNetModel model, double[] x, double[] y, int rows,
                                          boolean learnBoostRate, Reducer reducer) {
        return compute(model, x, y, rows, null, learnBoostRate, reducer);
    }

    /**
     * @param queryStarts for {@link GrowNetTask#RANKING}: query q holds rows queryStarts[q] .. queryStarts[q+1] − 1
     *                    (see {@link PairwiseRankNet}); null for the pointwise tasks
     */
    public static ObjectiveResult compute(GrowNetModel model, double[] x, double[] y, int rows, int[] queryStarts,
                                          boolean learnBoostRate, Reducer reducer) {
        return compute(model, x, y, rows, queryStarts, learnBoostRate, reducer, null);
    }

    /**
     * The same with record weights c (rows, c_i &ge; 0; the class comment), or the unweighted objective when null.
     * The ranking task takes no record weights.
     *
     * @param recordWeights c (rows), or null
     */
    public static ObjectiveResult compute(GrowNetModel model, double[] x, double[] y, int rows, int[] queryStarts,
                                          boolean learnBoostRate, Reducer reducer, double[] recordWeights) {
        boolean ranking = model.task() == GrowNetTask.RANKING;
        if (ranking != (queryStarts != null)) {
            throw new IllegalArgumentException(ranking ? "the ranking task needs query starts"
                    : "query starts are only for the ranking task");
        }
        if (ranking && recordWeights != null) {
            throw new IllegalArgumentException("the ranking task takes no record weights");
        }
        int k = model.numLearners();
        if (k == 0) {
            throw new IllegalStateException("the corrective step needs at least one learner");
        }
        WeakLearner.Pass[] passes = new WeakLearner.Pass[k];
        double[] phi = null;
        double[] sumF = new double[rows];
        for (int j = 0; j < k; j++) {
            passes[j] = model.learner(j).forwardTrain(x, phi, rows, reducer, recordWeights);
            phi = passes[j].phi();
            double[] f = passes[j].f();
            for (int i = 0; i < rows; i++) {
                sumF[i] += f[i];
            }
        }
        double alpha = model.boostRate();
        double[] score = new double[rows];
        for (int i = 0; i < rows; i++) {
            score[i] = model.initialScore() + alpha * sumF[i];
        }
        double loss = 0;
        double[] g = new double[rows];
        if (ranking) {
            loss = PairwiseRankNet.loss(score, y, queryStarts);
            g = PairwiseRankNet.statistics(score, y, queryStarts).g();
        } else if (recordWeights == null) {
            for (int i = 0; i < rows; i++) {
                loss += model.task().loss(y[i], score[i]);
                g[i] = model.task().lossGradient(y[i], score[i]);
            }
        } else {
            for (int i = 0; i < rows; i++) {
                double c = recordWeights[i];
                loss += c * model.task().loss(y[i], score[i]);
                g[i] = c * model.task().lossGradient(y[i], score[i]);
            }
        }
        double dAlpha = 0;
        double[] df = new double[rows];
        for (int i = 0; i < rows; i++) {
            dAlpha += g[i] * sumF[i];
            df[i] = alpha * g[i];
        }
        double[] grad = new double[model.numParams()];
        int[] offsets = new int[k];
        for (int j = 1; j < k; j++) {
            offsets[j] = offsets[j - 1] + model.learner(j - 1).params().length;
        }
        double[] dPhi = null;
        for (int j = k - 1; j >= 0; j--) {
            dPhi = model.learner(j).backward(passes[j], df, dPhi, grad, offsets[j], reducer);
        }
        grad[grad.length - 1] = learnBoostRate ? dAlpha : 0;
        int size = 0;
        for (WeakLearner.Pass p : passes) {
            size += p.batchNormSums().length;
        }
        double[] sums = new double[size];
        int o = 0;
        for (WeakLearner.Pass p : passes) {
            double[] b = p.batchNormSums();
            System.arraycopy(b, 0, sums, o, b.length);
            o += b.length;
        }
        return new ObjectiveResult(loss, grad, sums, passes[0].globalRows());
    }
}

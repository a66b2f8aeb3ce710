package org.sparktrain.zoo.grownet;

/**
 * The stage-k fit of GrowNet: with the previous ensemble F_{k−1} and φ_{k−1} fixed, and the boost rate α frozen,
 * the new learner f_k minimises Σ_i h_i (α f_k(x_i) − ỹ_i)² over its own parameters, where (ỹ_i, h_i) are the
 * Newton (or first-order) target and weight of {@link GrowNetTask#target}. The loss is a sum over the rows (the
 * engine divides by the example count, giving the reference code's mean). Gradient:
 * ∂/∂f_i = 2 h_i α (α f_i − ỹ_i), back-propagated through {@link WeakLearner#backward}.
 *
 * <p>Record weights c_i (a selection's (R/n)·w_i, docs/selection.md): the loss becomes Σ_i c_i h_i (α f_k(x_i) − ỹ_i)²,
 * ∂/∂f_i = 2 c_i h_i α (α f_i − ỹ_i), and the learner's BatchNorm layers use the weighted batch statistics
 * ({@link BatchNorm}), so an integer c_i trains exactly like row i repeated c_i times.
 *
 * <p>Reference: Badirli et al., "Gradient Boosting Neural Networks: GrowNet", arXiv:2002.07971, 2020, Sec. 3.
 */
public final class StageObjective {
    private StageObjective() {
    }

    /**
     * @param x       standardised features (rows, d), row-major
     * @param phiPrev φ_{k−1} (rows, H) for k &gt; 1, else null
     * @param target  ỹ (rows)
     * @param weight  h (rows)
     */
    public static ObjectiveResult compute(WeakLearner learner, double alpha, double[] x, double[] phiPrev, int rows,
                                          double[] target, double[] weight, Reducer reducer) {
        return compute(learner, alpha, x, phiPrev, rows, target, weight, reducer, null);
    }

    /**
     * The same with record weights c (rows, c_i &ge; 0; the class comment), or the unweighted objective when null.
     *
     * @param recordWeights c (rows), or null
     */
    public static ObjectiveResult compute(WeakLearner learner, double alpha, double[] x, double[] phiPrev, int rows,
                                          double[] target, double[] weight, Reducer reducer, double[] recordWeights) {
        WeakLearner.Pass pass = learner.forwardTrain(x, phiPrev, rows, reducer, recordWeights);
        double[] f = pass.f();
        double loss = 0;
        double[] df = new double[rows];
        if (recordWeights == null) {
            for (int i = 0; i < rows; i++) {
                double r = alpha * f[i] - target[i];
                loss += weight[i] * r * r;
                df[i] = 2 * weight[i] * alpha * r;
            }
        } else {
            for (int i = 0; i < rows; i++) {
                double r = alpha * f[i] - target[i];
                double ch = recordWeights[i] * weight[i];
                loss += ch * r * r;
                df[i] = 2 * ch * alpha * r;
            }
        }
        double[] grad = new double[learner.params().length];
        learner.backward(pass, df, null, grad, 0, reducer);
        return new ObjectiveResult(loss, grad, pass.batchNormSums(), pass.globalRows());
    }
}

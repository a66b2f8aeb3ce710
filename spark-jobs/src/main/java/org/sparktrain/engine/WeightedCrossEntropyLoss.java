package org.sparktrain.engine;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Per-example weighted softmax cross-entropy for DL4J output layers, with each example's weight carried in its
 * label row: the label of example i is y'_i = w_i·onehot(c_i), w_i > 0.
 *
 * <p>Math, for pre-softmax outputs z_i in R^K, p_i = softmax(z_i):
 * <pre>
 * ℓ'_i = −Σ_k y'_ik ln p_ik = w_i·(−ln p_i,c_i)                 (score per example)
 * ∂ℓ'_i/∂z_ij = p_ij·Σ_k y'_ik − y'_ij = w_i·(p_ij − [j = c_i])   (gradient w.r.t. the pre-output)
 * </pre>
 * Shapes: labels and pre-output (B, K); score array (B, 1); gradient (B, K). The score clips p to
 * [1e-10, 1 − 1e-10] as DL4J's own MCXENT does for softmax. A (B, 1) mask, if given, multiplies the rows.
 *
 * <p>Why not DL4J's own tools: a non-binary labels mask also scales the output layer's pre-output
 * ({@code BaseLayer.preOutput} applies the mask to z), and DL4J's MCXENT gradient for softmax is p − y, which is
 * only right when each label row sums to 1. Both were measured in {@code WeightedMultiLayerTrainableTest}.
 * Only softmax activations are supported. Reference for the weighting: Axiotis et al., "Data-Efficient Learning via
 * Clustering-Based Sensitivity Sampling", ICML 2024, arXiv:2402.17327 (the weighted loss Σ_S w(x)ℓ(x)).
 */
public final class WeightedCrossEntropyLoss implements ILossFunction {
    private static final double CLIP = 1e-10;

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double score = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? score / labels.size(0) : score;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray p = softmax(preOutput, activationFn);
        INDArray clipped = Transforms.min(Transforms.max(p, CLIP, false), 1.0 - CLIP, false);
        INDArray score = Transforms.log(clipped, false).muli(labels).sum(true, 1).negi();
        return mask == null ? score : score.muliColumnVector(mask.reshape(mask.length(), 1).castTo(score.dataType()));
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray p = softmax(preOutput, activationFn);
        INDArray grad = p.muliColumnVector(labels.sum(true, 1)).subi(labels);
        return mask == null ? grad : grad.muliColumnVector(mask.reshape(mask.length(), 1).castTo(grad.dataType()));
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    private static INDArray softmax(INDArray preOutput, IActivation activationFn) {
        if (!(activationFn instanceof ActivationSoftmax)) {
            throw new IllegalArgumentException("weighted cross-entropy needs a softmax output layer, got " + activationFn);
        }
        return activationFn.getActivation(preOutput.dup(), true);
    }

    @Override
    public String name() {
        return "WeightedCrossEntropyLoss";
    }

    @Override
    public String toString() {
        return name();
    }
}

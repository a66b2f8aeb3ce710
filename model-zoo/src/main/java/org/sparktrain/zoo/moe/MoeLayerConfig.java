package org.sparktrain.zoo.moe;

import java.io.Serializable;

/**
 * Shape and routing options of one {@link MoeLayer}.
 *
 * @param dModel        token width d
 * @param numExperts    N routed experts; default 8
 * @param topK          K experts chosen per token (1 &lt;= K &lt;= N); default 2
 * @param expertHidden  hidden width h of each routed expert's FFN; default 64
 * @param numShared     shared experts applied to every token (DeepSeekMoE); default 0
 * @param sharedHidden  hidden width of each shared expert; default = expertHidden
 * @param score         router scores: sigmoid (default) or softmax
 * @param renormalize   DeepSeek-V3 gates: the K selected scores divided by their sum, times {@code routeScale};
 *                      default false (Wang et al. 2024: g = s on the selected experts, no renormalisation)
 * @param routeScale    DeepSeek-V3's route_scale (2.5 in V3) multiplying renormalised gates; default 1
 */
public record MoeLayerConfig(int dModel, Integer numExperts, Integer topK, Integer expertHidden, Integer numShared,
                             Integer sharedHidden, RouterScore score, Boolean renormalize, Double routeScale)
        implements Serializable {
    public MoeLayerConfig {
        numExperts = numExperts == null ? 8 : numExperts;
        topK = topK == null ? 2 : topK;
        expertHidden = expertHidden == null ? 64 : expertHidden;
        numShared = numShared == null ? 0 : numShared;
        sharedHidden = sharedHidden == null ? expertHidden : sharedHidden;
        score = score == null ? RouterScore.SIGMOID : score;
        renormalize = renormalize != null && renormalize;
        routeScale = routeScale == null ? 1.0 : routeScale;
        if (dModel < 1) {
            throw new IllegalArgumentException("dModel must be positive, got " + dModel);
        }
        if (numExperts < 1) {
            throw new IllegalArgumentException("numExperts must be positive, got " + numExperts);
        }
        if (topK < 1 || topK > numExperts) {
            throw new IllegalArgumentException("topK must be in [1, numExperts = " + numExperts + "], got " + topK);
        }
        if (expertHidden < 1 || sharedHidden < 1) {
            throw new IllegalArgumentException("expertHidden and sharedHidden must be positive, got " + expertHidden
                    + ", " + sharedHidden);
        }
        if (numShared < 0) {
            throw new IllegalArgumentException("numShared must be >= 0, got " + numShared);
        }
        if (!(routeScale > 0)) {
            throw new IllegalArgumentException("routeScale must be positive, got " + routeScale);
        }
    }

    /** Defaults for width {@code dModel}: 8 experts, top-2, hidden 64, no shared expert, sigmoid, no renormalising. */
    public static MoeLayerConfig of(int dModel) {
        return new MoeLayerConfig(dModel, null, null, null, null, null, null, null, null);
    }
}

package org.sparktrain.jobs.moe;

import org.sparktrain.config.Check;
import org.sparktrain.zoo.moe.MoeLayerConfig;
import org.sparktrain.zoo.moe.RouterScore;

/**
 * The MoE classifier of {@code train-moe} (config section {@code model}; see
 * {@link org.sparktrain.zoo.moe.MoeClassifier}).
 *
 * @param dModel       token width d after the input projection; default 64
 * @param layers       MoE blocks; default 2
 * @param experts      N routed experts per block; default 8
 * @param topK         K experts per token; default 2
 * @param expertHidden hidden width of each routed expert; default 64
 * @param shared       shared experts per block; default 0
 * @param sharedHidden hidden width of each shared expert; default = expertHidden
 * @param score        {@code sigmoid} (default) or {@code softmax}
 * @param renormalize  DeepSeek-V3 gates (selected scores / their sum × routeScale); default false
 * @param routeScale   DeepSeek-V3's route_scale; default 1
 * @param microBatch   rows per micro-batch inside a worker's batch (0 = the whole local batch); loads are summed
 *                     over all micro-batches; the aux loss treats each micro-batch as a sequence; default 0
 */
public record MoeModelConfig(Integer dModel, Integer layers, Integer experts, Integer topK, Integer expertHidden,
                             Integer shared, Integer sharedHidden, String score, Boolean renormalize, Double routeScale,
                             Integer microBatch) implements java.io.Serializable {
    public MoeModelConfig {
        dModel = Check.atLeast("dModel", dModel, 64, 1);
        layers = Check.atLeast("layers", layers, 2, 1);
        experts = Check.atLeast("experts", experts, 8, 1);
        topK = Check.atLeast("topK", topK, 2, 1);
        if (topK > experts) {
            throw new IllegalArgumentException("topK: must be at most experts = " + experts + ", got " + topK);
        }
        expertHidden = Check.atLeast("expertHidden", expertHidden, 64, 1);
        shared = Check.atLeast("shared", shared, 0, 0);
        sharedHidden = Check.atLeast("sharedHidden", sharedHidden, expertHidden, 1);
        score = RouterScore.parse("score", score).toString();
        renormalize = renormalize != null && renormalize;
        routeScale = routeScale == null ? 1.0 : routeScale;
        if (!(routeScale > 0)) {
            throw new IllegalArgumentException("routeScale: must be positive, got " + routeScale);
        }
        microBatch = Check.atLeast("microBatch", microBatch, 0, 0);
    }

    public static MoeModelConfig defaults() {
        return new MoeModelConfig(null, null, null, null, null, null, null, null, null, null, null);
    }

    public MoeLayerConfig layer() {
        return new MoeLayerConfig(dModel, experts, topK, expertHidden, shared, sharedHidden,
                RouterScore.parse("score", score), renormalize, routeScale);
    }
}

package org.sparktrain.jobs.moe;

import org.sparktrain.config.Check;
import org.sparktrain.zoo.moe.MoeLayerConfig;
import org.sparktrain.zoo.moe.RouterScore;

/**
 * The MoE model of {@code train-moe} (config section {@code model}): the classifier
 * ({@link org.sparktrain.zoo.moe.MoeClassifier}) or the language model ({@link org.sparktrain.zoo.moe.MoeLanguageModel}).
 *
 * @param type         {@code classifier} (default: MoE MLP on a prepared image/table dataset) or {@code moe-lm} (causal
 *                     MLP-Mixer language model with MoE feed-forward layers on a text corpus, section {@code text})
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
 *                     over all micro-batches; the aux loss treats each micro-batch as a sequence (for {@code moe-lm}:
 *                     windows per micro-batch, and each window is a sequence of the aux loss); default 0
 * @param contextLength {@code moe-lm} only: T, the positions per window (each window holds T + 1 token ids); default 32
 */
public record MoeModelConfig(String type, Integer dModel, Integer layers, Integer experts, Integer topK, Integer expertHidden,
                             Integer shared, Integer sharedHidden, String score, Boolean renormalize, Double routeScale,
                             Integer microBatch, Integer contextLength) implements java.io.Serializable {
    public static final String CLASSIFIER = "classifier";
    public static final String LANGUAGE_MODEL = "moe-lm";

    public MoeModelConfig {
        type = Check.oneOf("type", type, CLASSIFIER, java.util.List.of(CLASSIFIER, LANGUAGE_MODEL));
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
        contextLength = Check.atLeast("contextLength", contextLength, 32, 1);
    }

    public static MoeModelConfig defaults() {
        return new MoeModelConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public boolean languageModel() {
        return LANGUAGE_MODEL.equals(type);
    }

    public MoeLayerConfig layer() {
        return new MoeLayerConfig(dModel, experts, topK, expertHidden, shared, sharedHidden,
                RouterScore.parse("score", score), renormalize, routeScale);
    }
}

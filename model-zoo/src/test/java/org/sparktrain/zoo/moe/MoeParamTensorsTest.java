package org.sparktrain.zoo.moe;

import org.junit.jupiter.api.Test;
import org.sparktrain.zoo.ParamTensors;
import org.sparktrain.zoo.ParamTensorsCheck;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MoE models' parameter tensors (L-DoG's per-tensor layout) tile the flat vector in the order the models lay it
 * out: names and sizes of the first tensors, then {@link ParamTensorsCheck} against the initialisation (biases c1,
 * c2, in.b, out.b and the mixing c are 0, RMSNorm gains 1).
 */
class MoeParamTensorsTest {
    static final MoeLayerConfig LAYER = new MoeLayerConfig(4, 5, 2, 3, 1, 2, RouterScore.SIGMOID, false, null);

    @Test
    void classifierTensorsTileItsParameters() {
        MoeClassifier model = new MoeClassifier(6, 3, 2, LAYER, 7);
        ParamTensors t = model.tensors();
        // in.W, in.b; per layer: centroids + 5 routed and 1 shared experts x 4 tensors; out.W, out.b
        assertEquals(2 + 2 * (1 + 6 * 4) + 2, t.names().size());
        assertEquals(List.of("in.W", "in.b", "layer0.centroids", "layer0.expert0.W1"), t.names().subList(0, 4));
        assertEquals(List.of(24L, 4L, 20L, 12L), t.lengths().subList(0, 4));
        ParamTensorsCheck.againstInitialisation(t, model.params(), model.numParams());
    }

    @Test
    void languageModelTensorsTileItsParameters() {
        MoeLanguageModel model = new MoeLanguageModel(11, 5, 2, LAYER, 3);
        ParamTensors t = model.tensors();
        // 2 embeddings; per block: norm1 gain, mix W and c, norm2 gain, the MoE layer's 25; final gain; out.W, out.b
        assertEquals(2 + 2 * (1 + 2 + 1 + 25) + 1 + 2, t.names().size());
        assertEquals(List.of("embed.token", "embed.position", "block0.norm1.gain", "block0.mix.W", "block0.mix.c"),
                t.names().subList(0, 5));
        assertEquals(List.of(44L, 20L, 4L, 25L, 5L), t.lengths().subList(0, 5));
        ParamTensorsCheck.againstInitialisation(t, model.params(), model.numParams());
    }
}

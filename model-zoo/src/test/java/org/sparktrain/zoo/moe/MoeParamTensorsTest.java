package org.sparktrain.zoo.moe;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.zoo.ParamTensors;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MoE models' parameter tensors (L-DoG's per-tensor layout) tile the flat vector in the order the models lay it
 * out. Checked against the initialisation, which is independent of {@code tensors()}: every bias (c1, c2, in.b,
 * out.b, the mixing c) is 0, every RMSNorm gain is 1, and every weight tensor has an entry that is neither; a tensor
 * boundary shifted by any amount would pull a weight entry into a bias or gain (or leave a weight all 0 or 1).
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
        checkAgainstInitialisation(t, model.params(), model.numParams());
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
        checkAgainstInitialisation(t, model.params(), model.numParams());
    }

    private static void checkAgainstInitialisation(ParamTensors t, INDArray params, long numParams) {
        assertEquals(numParams, t.total());
        double[] p = params.toDoubleVector();
        long at = 0;
        for (int i = 0; i < t.names().size(); i++) {
            String name = t.names().get(i);
            int from = (int) at;
            int to = (int) (at + t.lengths().get(i));
            boolean bias = name.endsWith(".c1") || name.endsWith(".c2") || name.endsWith(".b") || name.endsWith(".c");
            boolean gain = name.endsWith(".gain");
            boolean other = false;
            for (int k = from; k < to; k++) {
                if (bias) {
                    assertEquals(0.0, p[k], 0.0, name + "[" + (k - from) + "]");
                } else if (gain) {
                    assertEquals(1.0, p[k], 0.0, name + "[" + (k - from) + "]");
                } else {
                    other |= p[k] != 0 && p[k] != 1;
                }
            }
            assertTrue(bias || gain || other, name + " looks like a bias or gain: its boundaries are off");
            at = to;
        }
    }
}

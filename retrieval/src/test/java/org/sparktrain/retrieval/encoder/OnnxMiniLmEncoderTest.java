package org.sparktrain.retrieval.encoder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxMiniLmEncoderTest {
    private static OnnxMiniLmEncoder encoder;

    @BeforeAll
    static void load() throws Exception {
        encoder = OnnxMiniLmEncoder.load(MiniLmFiles.MAX_SEQ_LENGTH, 2);
    }

    @AfterAll
    static void close() throws Exception {
        encoder.close();
    }

    /**
     * The similarity matrix that the sentence-transformers documentation (sbert.net usage page) prints for these
     * three sentences with all-MiniLM-L6-v2, to 4 decimals: 0.6660, 0.1046, 0.1411.
     */
    @Test
    void reproducesSentenceTransformersDocumentedSimilarities() {
        float[][] e = encoder.encode(List.of("The weather is lovely today.", "It's so sunny outside!",
                "He drove to the stadium."));
        assertEquals(3, e.length);
        assertEquals(MiniLmFiles.DIMENSION, e[0].length);
        for (float[] v : e) {
            assertEquals(1.0, dot(v, v), 1e-5, "embeddings are L2-normalised");
        }
        System.out.printf("MiniLM similarities: %.6f %.6f %.6f (documented 0.6660 0.1046 0.1411)%n",
                dot(e[0], e[1]), dot(e[0], e[2]), dot(e[1], e[2]));
        assertEquals(0.6660, dot(e[0], e[1]), 1e-4);
        assertEquals(0.1046, dot(e[0], e[2]), 1e-4);
        assertEquals(0.1411, dot(e[1], e[2]), 1e-4);
    }

    @Test
    void paddingInABatchDoesNotChangeAnEmbedding() {
        String shortText = "heat transfer in a boundary layer";
        String longText = "an experimental study of the flutter of thin panels at supersonic speeds, with a "
                + "comparison to the predictions of piston theory and of the linearised potential flow";
        float[] alone = encoder.encode(List.of(shortText))[0];
        float[][] batch = encoder.encode(List.of(longText, shortText));
        assertArrayEquals(alone, batch[1], 1e-5f);
        float[][] batched = encoder.encode(List.of(longText, shortText, "a", longText), 3);
        assertArrayEquals(batch[0], batched[0], 1e-5f);
        assertArrayEquals(batch[1], batched[1], 1e-5f);
        assertArrayEquals(batched[0], batched[3], 1e-6f);
    }

    @Test
    void poolingIsTheMaskedMeanOfTheHiddenStatesNormalised() {
        int[][] ids = {encoder.tokenizer().encode("short", 256), encoder.tokenizer().encode("a longer text here", 256)};
        float[][][] h = encoder.lastHiddenState(ids);
        assertEquals(2, h.length);
        assertEquals(ids[1].length, h[0].length, "padded to the longest sequence");
        assertEquals(384, h[0][0].length);
        float[] e = encoder.encode(List.of("short"))[0];
        // mean of the 3 real rows ([CLS] short [SEP]) of the padded batch, by hand
        double[] mean = new double[384];
        for (int t = 0; t < 3; t++) {
            for (int k = 0; k < 384; k++) {
                mean[k] += h[0][t][k] / 3.0;
            }
        }
        double norm = Math.sqrt(java.util.Arrays.stream(mean).map(x -> x * x).sum());
        for (int k = 0; k < 384; k++) {
            assertEquals(mean[k] / norm, e[k], 1e-5);
        }
    }

    @Test
    void truncatesAtMaxLength() {
        String longText = "flow ".repeat(400);
        assertEquals(256, encoder.tokenizer().encode(longText, encoder.maxLength()).length);
        float[] e = encoder.encode(List.of(longText))[0];
        assertTrue(Math.abs(dot(e, e) - 1.0) < 1e-5);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}

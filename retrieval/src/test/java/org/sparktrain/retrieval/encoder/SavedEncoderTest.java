package org.sparktrain.retrieval.encoder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every saved encoder type round-trips through its directory and {@link SavedEncoder#load}: the loaded model encodes
 * exactly like the one that was saved (the same fp32 arithmetic on the same parameters), and bad directories fail
 * with errors that name the file.
 */
class SavedEncoderTest {
    private static final List<String> TEXTS = List.of("boundary layer transition on a flat plate",
            "what similarity laws must be obeyed when constructing aeroelastic models of heated high speed aircraft",
            "shock");

    private static byte[] artifact(String resource) throws IOException {
        try (InputStream in = MiniLmFiles.open(resource)) {
            return in.readAllBytes();
        }
    }

    @Test
    void pooledRoundTripsThroughSavedEncoder(@TempDir Path dir) throws IOException {
        PooledTextEncoder model = PooledTextEncoderTest.tiny();
        model.save(dir.resolve("m"));
        assertEquals("pooled", SavedEncoder.type(dir.resolve("m")));
        TextEncoder loaded = SavedEncoder.load(dir.resolve("m"));
        assertInstanceOf(PooledTextEncoder.class, loaded);
        List<String> texts = List.of("wing flutter", "heat");
        assertArrayEquals(model.encode(texts), loaded.encode(texts));
    }

    /** A fine-tuned point (pretrained weights moved) saves all 22,565,376 parameters and encodes identically. */
    @Test
    void minilmRoundTripsWithChangedWeights(@TempDir Path dir) throws IOException {
        MiniLmSameDiffEncoder pretrained = MiniLmSameDiffEncoder.load(32);
        float[] params = pretrained.params().toFloatVector();
        for (int i = 0; i < params.length; i += 97) {
            params[i] += 1e-3f * (float) Math.sin(i);
        }
        MiniLmSameDiffEncoder tuned = MiniLmSameDiffEncoder.fromParams(params, artifact(MiniLmFiles.TOKENIZER), 32);
        float[][] expected = tuned.encode(TEXTS);
        float[][] zeroShot = pretrained.encode(TEXTS);
        assertTrue(Math.abs(expected[0][0] - zeroShot[0][0]) > 1e-6, "the perturbation changes the embedding");

        tuned.save(dir.resolve("m"));
        assertEquals("minilm", SavedEncoder.type(dir.resolve("m")));
        TextEncoder loaded = SavedEncoder.load(dir.resolve("m"));
        assertInstanceOf(MiniLmSameDiffEncoder.class, loaded);
        assertArrayEquals(params, ((MiniLmSameDiffEncoder) loaded).params().toFloatVector());
        assertEquals(32, ((MiniLmSameDiffEncoder) loaded).maxLength());
        float[][] actual = loaded.encode(TEXTS);
        for (int r = 0; r < TEXTS.size(); r++) {
            assertArrayEquals(expected[r], actual[r], 1e-6f, "text " + r);
        }

        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> MiniLmSameDiffEncoder.fromParams(new float[10], artifact(MiniLmFiles.TOKENIZER), 32));
        assertTrue(wrong.getMessage().contains("22565376"), wrong.getMessage());

        // a truncated parameter file is reported with its path
        Path bad = dir.resolve("bad");
        Files.createDirectories(bad);
        Files.copy(dir.resolve("m").resolve("encoder.properties"), bad.resolve("encoder.properties"));
        Files.copy(dir.resolve("m").resolve("tokenizer.json"), bad.resolve("tokenizer.json"));
        byte[] p = Files.readAllBytes(dir.resolve("m").resolve("params.bin"));
        Files.write(bad.resolve("params.bin"), java.util.Arrays.copyOf(p, 4000));
        IOException truncated = assertThrows(IOException.class, () -> SavedEncoder.load(bad));
        assertTrue(truncated.getMessage().contains(bad.resolve("params.bin").toString()), truncated.getMessage());
    }

    /** A head on ONNX MiniLM is self-contained: it loads without the artifact and equals head(base(text)). */
    @Test
    void minilmHeadRoundTripsAndEqualsTheHeadOnTheBase(@TempDir Path dir) throws Exception {
        int d = MiniLmFiles.DIMENSION;
        float[] head = new float[d * d + d];
        double[] headDouble = new double[head.length];
        for (int i = 0; i < head.length; i++) {
            head[i] = 0.01f * (float) Math.cos(0.37 * i);
            headDouble[i] = head[i];
        }
        float[][] expected;
        try (OnnxMiniLmEncoder base = OnnxMiniLmEncoder.load(64, 1)) {
            expected = new HeadTextEncoder(base, headDouble).encode(TEXTS);
            float[][] u = base.encode(TEXTS);
            // independent check of the head: e = normalize(u + W u + c) for the first text
            double[] e = new double[d];
            double norm = 0;
            for (int i = 0; i < d; i++) {
                double s = u[0][i] + headDouble[d * d + i];
                for (int j = 0; j < d; j++) {
                    s += headDouble[i * d + j] * u[0][j];
                }
                e[i] = s;
                norm += s * s;
            }
            for (int i = 0; i < d; i++) {
                assertEquals(e[i] / Math.sqrt(norm), expected[0][i], 1e-5, "dimension " + i);
            }
        }
        HeadTextEncoder.save(dir.resolve("m"), head, artifact(MiniLmFiles.ONNX), artifact(MiniLmFiles.TOKENIZER), 64);
        assertEquals("minilm-head", SavedEncoder.type(dir.resolve("m")));
        try (TextEncoder loaded = SavedEncoder.load(dir.resolve("m"), 1)) {
            assertInstanceOf(HeadTextEncoder.class, loaded);
            float[][] actual = loaded.encode(TEXTS);
            for (int r = 0; r < TEXTS.size(); r++) {
                assertArrayEquals(expected[r], actual[r], 1e-6f, "text " + r);
            }
        }
    }

    @Test
    void missingAndUnknownTypesNameTheFile(@TempDir Path dir) throws IOException {
        IOException missing = assertThrows(IOException.class, () -> SavedEncoder.load(dir));
        assertTrue(missing.getMessage().contains("encoder.properties is missing"), missing.getMessage());
        Files.writeString(dir.resolve("encoder.properties"), "type=word2vec\n");
        IOException unknown = assertThrows(IOException.class, () -> SavedEncoder.type(dir));
        assertTrue(unknown.getMessage().contains("unknown encoder type 'word2vec'")
                && unknown.getMessage().contains("pooled, minilm, minilm-head"), unknown.getMessage());
    }
}

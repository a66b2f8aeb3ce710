package org.sparktrain.retrieval.encoder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PooledTextEncoderTest {
    static final String TOKENIZER = "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"[PAD]\":0,\"[UNK]\":1,"
            + "\"[CLS]\":2,\"[SEP]\":3,\"wing\":4,\"flutter\":5,\"heat\":6,\"##s\":7}},\"added_tokens\":[]}";

    static PooledTextEncoder tiny() throws IOException {
        float[] rows = new float[8 * 3];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) Math.sin(1.7 * i + 0.3);
        }
        PooledEncoder enc = new PooledEncoder(new TokenEmbeddingTable(8, 3, rows));
        float[] params = enc.initialParams();
        for (int i = 0; i < params.length; i++) {
            params[i] += 0.1f * (float) Math.cos(i);
        }
        return new PooledTextEncoder(enc, TOKENIZER.getBytes(StandardCharsets.UTF_8), params, 16);
    }

    @Test
    void savedModelLoadsAndEncodesIdentically(@TempDir Path dir) throws IOException {
        PooledTextEncoder model = tiny();
        List<String> texts = List.of("wing flutter", "heat", "wings heat flutter unknownword");
        float[][] before = model.encode(texts);
        model.save(dir.resolve("model"));
        model.save(dir.resolve("model")); // replacing an existing model works
        PooledTextEncoder loaded = PooledTextEncoder.load(dir.resolve("model"));
        float[][] after = loaded.encode(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(before[i], after[i], 0f);
        }
        // unit vectors
        double n = 0;
        for (float x : after[2]) {
            n += x * x;
        }
        assertTrue(Math.abs(n - 1) < 1e-5);
        try (var files = Files.list(dir)) {
            assertTrue(files.allMatch(p -> p.getFileName().toString().equals("model")), "no temporary leftovers");
        }
    }

    @Test
    void loadNamesTheMissingFile(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> PooledTextEncoder.load(dir));
        assertTrue(e.getMessage().contains(PooledTextEncoder.PROPERTIES));
    }
}

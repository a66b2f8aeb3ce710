package org.sparktrain.retrieval.encoder;

import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.protobuf.ByteString;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenEmbeddingTableTest {
    private static Onnx.TensorProto floatTensor(String name, long rows, long cols, float[] values, boolean raw) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).addDims(rows).addDims(cols);
        if (raw) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            t.setRawData(ByteString.copyFrom(b.array()));
        } else {
            for (float v : values) {
                t.addFloatData(v);
            }
        }
        return t.build();
    }

    private static byte[] model(Onnx.TensorProto... initializers) {
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("g");
        for (Onnx.TensorProto t : initializers) {
            g.addInitializer(t);
        }
        return Onnx.ModelProto.newBuilder().setIrVersion(7).setGraph(g).build().toByteArray();
    }

    @Test
    void readsTheWordEmbeddingInitializerFromRawAndFloatData() throws IOException {
        float[] values = {1.5f, -2f, 0.25f, 3f, 4f, -0.125f};
        for (boolean raw : new boolean[]{true, false}) {
            byte[] bytes = model(floatTensor("other.weight", 1, 2, new float[]{9, 9}, raw),
                    floatTensor("embeddings.word_embeddings.weight", 3, 2, values, raw));
            TokenEmbeddingTable t = TokenEmbeddingTable.fromOnnx(new ByteArrayInputStream(bytes), "tiny.onnx");
            assertEquals(3, t.vocabSize());
            assertEquals(2, t.dim());
            assertArrayEquals(values, t.rows());
            assertEquals(-0.125f, t.get(2, 1));
        }
        IOException missing = assertThrows(IOException.class, () -> TokenEmbeddingTable.fromOnnx(
                new ByteArrayInputStream(model(floatTensor("x", 1, 1, new float[]{1}, true))), "tiny.onnx"));
        assertTrue(missing.getMessage().contains("tiny.onnx") && missing.getMessage().contains("[x]"));
    }

    @Test
    void writeThenReadRoundTrips() throws IOException {
        TokenEmbeddingTable t = new TokenEmbeddingTable(2, 3, new float[]{1, 2, 3, -4, 5.5f, Float.MIN_VALUE});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        t.write(out);
        TokenEmbeddingTable back = TokenEmbeddingTable.read(new ByteArrayInputStream(out.toByteArray()), "mem");
        assertEquals(2, back.vocabSize());
        assertArrayEquals(t.rows(), back.rows());
        assertThrows(IOException.class, () -> TokenEmbeddingTable.read(new ByteArrayInputStream(new byte[12]), "zeros"));
    }

    /** The real MiniLM table: 30,522 x 384, [PAD] row differs from [CLS], values of a trained embedding scale. */
    @Test
    void miniLmTableHasTheModelShape() throws IOException {
        TokenEmbeddingTable t = TokenEmbeddingTable.fromMiniLm();
        assertEquals(30522, t.vocabSize());
        assertEquals(MiniLmFiles.DIMENSION, t.dim());
        double norm = 0;
        for (int k = 0; k < t.dim(); k++) {
            norm += t.get(2023, k) * t.get(2023, k); // "this"
        }
        assertTrue(norm > 0.01 && norm < 100, "row norm² of 'this' = " + norm);
        assertNotEquals(t.get(0, 0), t.get(101, 0));
        System.out.printf("MiniLM word embeddings: %d x %d, |E[this]| = %.4f%n", t.vocabSize(), t.dim(),
                Math.sqrt(norm));
    }
}

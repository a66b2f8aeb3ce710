package org.sparktrain.retrieval.encoder;

import onnx.Onnx;
import org.nd4j.shade.protobuf.CodedInputStream;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A frozen token embedding table: {@code vocabSize} rows of {@code dim} floats, row v being the input embedding of
 * WordPiece id v. The {@link PooledEncoder} pools these rows; it never trains them.
 *
 * <p>{@link #fromOnnx} reads MiniLM's word-embedding matrix (BERT's {@code embeddings.word_embeddings.weight},
 * 30,522 x 384 for all-MiniLM-L6-v2) from the initializers of an ONNX graph, parsed with the ONNX protobuf classes
 * that ND4J ships ({@code onnx.Onnx}, on its shaded protobuf runtime). Only the table is read; ONNX Runtime is not
 * involved. {@link #write}/{@link #read} store it as a small header plus little-endian floats, so a saved encoder
 * loads without the MiniLM artifact.
 */
public final class TokenEmbeddingTable {
    /** Name suffix of BERT's word-embedding initializer in exported graphs. */
    public static final String WORD_EMBEDDINGS = "word_embeddings.weight";
    private static final int MAGIC = 0x54454D42; // "TEMB"

    private final int vocabSize;
    private final int dim;
    private final float[] rows;

    public TokenEmbeddingTable(int vocabSize, int dim, float[] rows) {
        if (vocabSize < 1 || dim < 1) {
            throw new IllegalArgumentException("vocabSize and dim must be positive, got " + vocabSize + " x " + dim);
        }
        if (rows.length != (long) vocabSize * dim) {
            throw new IllegalArgumentException("a " + vocabSize + " x " + dim + " table needs " + (long) vocabSize * dim
                    + " floats, got " + rows.length);
        }
        this.vocabSize = vocabSize;
        this.dim = dim;
        this.rows = rows;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int dim() {
        return dim;
    }

    /** Entry k of row v. */
    public float get(int v, int k) {
        return rows[v * dim + k];
    }

    /** The row-major backing array (vocabSize x dim); not copied. */
    public float[] rows() {
        return rows;
    }

    /** MiniLM's word-embedding table from the class path artifact ({@link MiniLmFiles#ONNX}). */
    public static TokenEmbeddingTable fromMiniLm() throws IOException {
        try (InputStream in = MiniLmFiles.open(MiniLmFiles.ONNX)) {
            return fromOnnx(in, MiniLmFiles.ONNX);
        }
    }

    /**
     * The float initializer of an ONNX model whose name ends with {@value #WORD_EMBEDDINGS}.
     *
     * @param source name of the model for error messages
     */
    public static TokenEmbeddingTable fromOnnx(InputStream model, String source) throws IOException {
        CodedInputStream coded = CodedInputStream.newInstance(model);
        coded.setSizeLimit(Integer.MAX_VALUE); // the graph is ~90 MB, above protobuf's old 64 MB default
        Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(coded);
        List<String> names = new ArrayList<>();
        for (Onnx.TensorProto t : proto.getGraph().getInitializerList()) {
            names.add(t.getName());
            if (!t.getName().endsWith(WORD_EMBEDDINGS)) {
                continue;
            }
            if (t.getDimsCount() != 2) {
                throw new IOException(source + ": initializer " + t.getName() + " has dims " + t.getDimsList()
                        + ", expected [vocab, dim]");
            }
            if (t.getDataType() != Onnx.TensorProto.DataType.FLOAT_VALUE) {
                throw new IOException(source + ": initializer " + t.getName() + " has ONNX data type "
                        + t.getDataType() + ", expected FLOAT (" + Onnx.TensorProto.DataType.FLOAT_VALUE + ")");
            }
            int v = Math.toIntExact(t.getDims(0));
            int d = Math.toIntExact(t.getDims(1));
            float[] data = new float[v * d];
            if (!t.getRawData().isEmpty()) {
                ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                if (raw.remaining() != data.length * Float.BYTES) {
                    throw new IOException(source + ": initializer " + t.getName() + " has " + raw.remaining()
                            + " raw bytes, expected " + data.length * Float.BYTES);
                }
                raw.asFloatBuffer().get(data);
            } else if (t.getFloatDataCount() == data.length) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = t.getFloatData(i);
                }
            } else {
                throw new IOException(source + ": initializer " + t.getName() + " holds no inline data "
                        + "(external data is not supported)");
            }
            return new TokenEmbeddingTable(v, d, data);
        }
        throw new IOException(source + ": no initializer named *" + WORD_EMBEDDINGS + " among " + names.size()
                + " initializers " + (names.size() > 20 ? names.subList(0, 20) + "..." : names));
    }

    /** Writes header (magic, vocabSize, dim) and the floats, all big-endian (DataOutputStream). */
    public void write(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16));
        data.writeInt(MAGIC);
        data.writeInt(vocabSize);
        data.writeInt(dim);
        for (float x : rows) {
            data.writeFloat(x);
        }
        data.flush();
    }

    /** Reads what {@link #write} wrote; {@code source} names the file in errors. */
    public static TokenEmbeddingTable read(InputStream in, String source) throws IOException {
        DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
        if (data.readInt() != MAGIC) {
            throw new IOException(source + " is not a token embedding table (bad magic number)");
        }
        int v = data.readInt();
        int d = data.readInt();
        if (v < 1 || d < 1 || (long) v * d > Integer.MAX_VALUE) {
            throw new IOException(source + ": bad table shape " + v + " x " + d);
        }
        float[] rows = new float[v * d];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = data.readFloat();
        }
        return new TokenEmbeddingTable(v, d, rows);
    }
}

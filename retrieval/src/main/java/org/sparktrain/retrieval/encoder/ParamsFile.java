package org.sparktrain.retrieval.encoder;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The flat-parameter file of saved encoders ({@code params.bin}) and of train-biencoder's selection state: a magic
 * number, the count, then the floats, all big-endian ({@link DataOutputStream}).
 */
public final class ParamsFile {
    private static final int MAGIC = 0x50454E43; // "PENC"

    private ParamsFile() {
    }

    /** Writes magic, count and the floats; flushes but does not close {@code out}. */
    public static void write(float[] params, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        data.writeInt(MAGIC);
        data.writeInt(params.length);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
        for (float x : params) {
            if (!chunk.hasRemaining()) {
                data.write(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
            chunk.putFloat(x);
        }
        data.write(chunk.array(), 0, chunk.position());
        data.flush();
    }

    /** Reads what {@link #write} wrote; errors name {@code source}. */
    public static float[] read(InputStream in, String source) throws IOException {
        DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        if (data.readInt() != MAGIC) {
            throw new IOException(source + " is not a parameter file (bad magic number)");
        }
        int n = data.readInt();
        if (n < 0) {
            throw new IOException(source + ": negative parameter count " + n);
        }
        byte[] bytes = new byte[4 * n];
        try {
            data.readFully(bytes);
        } catch (java.io.EOFException e) {
            throw new IOException(source + ": truncated, expected " + n + " floats", e);
        }
        float[] out = new float[n];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(out);
        return out;
    }

    /** Writes a file. */
    public static void write(float[] params, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(params, out);
        }
    }

    /** Reads a file; an error naming it when it is missing or bad. */
    public static float[] read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + " is missing");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }
}

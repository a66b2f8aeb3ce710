package org.sparktrain.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Wire format of the collective operations between workers and the driver's {@link CollectiveServer}
 * (little-endian, carried by Spark's network transport as RPC messages).
 *
 * <pre>
 * request : int magic | byte op | long round | int attempt | int worker | int workers | long seq | long tag | body
 *   SUM   body: int nFloats | int nDoubles | float[nFloats] | double[nDoubles]
 *   GATHER body: int nBytes | byte[nBytes]
 * response: SUM   : int nFloats | int nDoubles | float[] | double[]
 *           GATHER: int workers | (int n | byte[n]) per worker
 * </pre>
 */
final class CollectiveMessages {
    static final int MAGIC = 0x53544331; // "STC1"
    static final byte OP_SUM = 1;
    static final byte OP_GATHER = 2;
    static final int HEADER = 4 + 1 + 8 + 4 + 4 + 4 + 8 + 8;

    private CollectiveMessages() {
    }

    record Header(byte op, long round, int attempt, int worker, int workers, long seq, long tag) {
    }

    static ByteBuffer sumRequest(Header h, float[] floats, double[] doubles) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + sumBodyBytes(floats, doubles)).order(ByteOrder.LITTLE_ENDIAN);
        putHeader(b, h);
        putSumBody(b, floats, doubles);
        return b.flip();
    }

    static ByteBuffer gatherRequest(Header h, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + 4 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        putHeader(b, h);
        b.putInt(payload.length).put(payload);
        return b.flip();
    }

    static Header readHeader(ByteBuffer b) {
        b.order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt();
        if (magic != MAGIC) {
            throw new IllegalArgumentException("not a sparktrain collective message (magic " + Integer.toHexString(magic) + ")");
        }
        return new Header(b.get(), b.getLong(), b.getInt(), b.getInt(), b.getInt(), b.getLong(), b.getLong());
    }

    /** The SUM body (request after its header, or response) at b's position; b must be little-endian. */
    static Collective.Reduced readSumBody(ByteBuffer b) {
        int nf = b.getInt();
        int nd = b.getInt();
        return new Collective.Reduced(readFloats(b, nf), readDoubles(b, nd));
    }

    private static float[] readFloats(ByteBuffer b, int n) {
        float[] out = new float[n];
        b.asFloatBuffer().get(out);
        b.position(b.position() + 4 * n);
        return out;
    }

    private static double[] readDoubles(ByteBuffer b, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = b.getDouble();
        }
        return out;
    }

    static ByteBuffer sumResponse(float[] floats, double[] doubles) {
        ByteBuffer b = ByteBuffer.allocate(sumBodyBytes(floats, doubles)).order(ByteOrder.LITTLE_ENDIAN);
        putSumBody(b, floats, doubles);
        return b.flip();
    }

    static Collective.Reduced readSumResponse(ByteBuffer b) {
        return readSumBody(b.order(ByteOrder.LITTLE_ENDIAN));
    }

    static ByteBuffer gatherResponse(byte[][] payloads) {
        int size = 4;
        for (byte[] p : payloads) {
            size += 4 + p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(payloads.length);
        for (byte[] p : payloads) {
            b.putInt(p.length).put(p);
        }
        return b.flip();
    }

    static byte[][] readGatherResponse(ByteBuffer b) {
        b.order(ByteOrder.LITTLE_ENDIAN);
        byte[][] out = new byte[b.getInt()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new byte[b.getInt()];
            b.get(out[i]);
        }
        return out;
    }

    /** Bytes of a SUM body: int nFloats | int nDoubles | float[nFloats] | double[nDoubles]. */
    private static int sumBodyBytes(float[] floats, double[] doubles) {
        return 8 + 4 * floats.length + 8 * doubles.length;
    }

    private static void putSumBody(ByteBuffer b, float[] floats, double[] doubles) {
        b.putInt(floats.length).putInt(doubles.length);
        b.asFloatBuffer().put(floats);
        b.position(b.position() + 4 * floats.length);
        for (double d : doubles) {
            b.putDouble(d);
        }
    }

    private static void putHeader(ByteBuffer b, Header h) {
        b.putInt(MAGIC).put(h.op()).putLong(h.round()).putInt(h.attempt()).putInt(h.worker()).putInt(h.workers())
                .putLong(h.seq()).putLong(h.tag());
    }
}

package org.sparktrain.engine.optim;

/**
 * Stores a {@code double} exactly in the engine's float-only optimizer state (checkpoint file {@code updater.f32},
 * round outputs): the 64 raw bits are split into three chunks of 22, 21 and 21 bits, and each chunk is stored as a
 * float holding that non-negative integer (every integer below 2^24 is an exact float).
 *
 * <p>Why not two floats carrying 32 raw bits each: arbitrary bit patterns include NaNs, and a NaN's payload is not
 * guaranteed to survive float conversions ({@link Float#intBitsToFloat} documents that signalling NaNs may be
 * quietened on some platforms; serialisers and arithmetic may canonicalise them). Small integer-valued floats are
 * ordinary numbers that every path preserves, so the round trip is exact by construction and a corrupted value is
 * detected on decoding.
 */
public final class ExactDoubles {
    /** Floats used per double. */
    public static final int FLOATS = 3;
    private static final long LOW21 = (1L << 21) - 1;

    private ExactDoubles() {
    }

    /** Writes {@code value} into {@code out[offset..offset+2]}. */
    public static void encode(double value, float[] out, int offset) {
        long bits = Double.doubleToRawLongBits(value);
        out[offset] = (float) (bits >>> 42);
        out[offset + 1] = (float) ((bits >>> 21) & LOW21);
        out[offset + 2] = (float) (bits & LOW21);
    }

    /** Reads the double stored at {@code in[offset..offset+2]} by {@link #encode}. */
    public static double decode(float[] in, int offset) {
        long hi = chunk(in[offset], 1L << 22, offset);
        long mid = chunk(in[offset + 1], 1L << 21, offset + 1);
        long lo = chunk(in[offset + 2], 1L << 21, offset + 2);
        return Double.longBitsToDouble((hi << 42) | (mid << 21) | lo);
    }

    private static long chunk(float f, long limit, int index) {
        long v = (long) f;
        if (v != f || v < 0 || v >= limit) {
            throw new IllegalArgumentException("optimizer state value " + f + " at index " + index
                    + " is not an encoded double chunk (state corrupted or written by another optimizer)");
        }
        return v;
    }
}

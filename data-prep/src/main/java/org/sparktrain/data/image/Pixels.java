package org.sparktrain.data.image;

/** Unsigned-byte pixels to features in [0, 1]: {@code (b & 0xff) / 255f}, through a lookup table. */
public final class Pixels {
    private static final float[] SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            SCALE[i] = i / 255f;
        }
    }

    private Pixels() {
    }

    /** A fresh array of {@code pixels.length} features. */
    public static float[] scale(byte[] pixels) {
        float[] f = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            f[i] = SCALE[pixels[i] & 0xff];
        }
        return f;
    }
}

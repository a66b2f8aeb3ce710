package org.sparktrain.zoo;

/**
 * Shape of one image example in channels-first order (C, H, W). Prepared datasets store images flattened
 * row-major in this order, so {@code size() == channels * height * width} features per record.
 */
public record ImageShape(int channels, int height, int width) implements java.io.Serializable {
    public ImageShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
    }

    /** Number of features of one flattened example. */
    public int size() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}

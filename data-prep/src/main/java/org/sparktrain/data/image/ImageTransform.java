package org.sparktrain.data.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;

/**
 * Turns a decoded image into the features of a prepared image dataset: the shorter side is resized to
 * {@code resizeTo} (the longer one keeps the aspect ratio, rounded down), then the centre {@code size x size} square
 * is cut out (offsets {@code (newW - size) / 2} and {@code (newH - size) / 2}, rounded down), as in the usual
 * "Resize(resizeTo) + CenterCrop(size)" evaluation transform. Output: {@code C x size x size} floats in [0, 1],
 * channel planes R, G, B (or one luminance plane), each row-major.
 *
 * <p>Resampling is separable with a triangle (bilinear) kernel whose support grows with the reduction factor, so
 * downscaling averages over every source pixel it covers (antialiased, like PIL's {@code Image.resize(BILINEAR)});
 * at scale 1 it is the identity. Colour: RGB images (any bit depth) give their R, G, B samples, grey-scale images
 * their grey value in every channel (read from the raster, so Java's grey gamma conversion does not alter it),
 * alpha is ignored, other colour spaces (CMYK, ICC profiles, palettes) are converted to sRGB by Java 2D. The
 * grey-scale option keeps one channel: the grey value, or the ITU-R 601 luma {@code 0.299 R + 0.587 G + 0.114 B}.
 */
public final class ImageTransform {
    private final int resizeTo;
    private final int size;
    private final boolean grayscale;

    /**
     * @param resizeTo  target length of the shorter side, at least {@code size}
     * @param size      side of the square crop
     * @param grayscale one luminance channel instead of R, G, B
     */
    public ImageTransform(int resizeTo, int size, boolean grayscale) {
        if (size < 1 || resizeTo < size) {
            throw new IllegalArgumentException("need 1 <= size <= resizeTo, got size " + size + ", resizeTo " + resizeTo);
        }
        this.resizeTo = resizeTo;
        this.size = size;
        this.grayscale = grayscale;
    }

    /** Channels of the output: 1 or 3. */
    public int channels() {
        return grayscale ? 1 : 3;
    }

    /** Side of the output square. */
    public int size() {
        return size;
    }

    /** The image's features: {@link #channels()} x size x size, in [0, 1]. */
    public float[] apply(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[][] planes = planes(image, grayscale);
        int newW;
        int newH;
        if (w <= h) {
            newW = resizeTo;
            newH = Math.max(resizeTo, (int) ((long) h * resizeTo / w));
        } else {
            newH = resizeTo;
            newW = Math.max(resizeTo, (int) ((long) w * resizeTo / h));
        }
        Kernel cols = new Kernel(w, newW, (newW - size) / 2, size);
        Kernel rows = new Kernel(h, newH, (newH - size) / 2, size);
        float[] out = new float[planes.length * size * size];
        float[] tmp = new float[h * size];
        for (int c = 0; c < planes.length; c++) {
            float[] p = planes[c];
            for (int y = 0; y < h; y++) { // horizontal pass: h x size
                for (int x = 0; x < size; x++) {
                    tmp[y * size + x] = cols.apply(p, y * w, 1, x);
                }
            }
            int base = c * size * size;
            for (int y = 0; y < size; y++) { // vertical pass: size x size
                for (int x = 0; x < size; x++) {
                    float v = rows.apply(tmp, x, size, y) / 255f;
                    out[base + y * size + x] = Math.min(1f, Math.max(0f, v));
                }
            }
        }
        return out;
    }

    /** The image as planes of values in [0, 255]: three (R, G, B) or one (grey / luma), each h x w row-major. */
    static float[][] planes(BufferedImage image, boolean grayscale) {
        int w = image.getWidth();
        int h = image.getHeight();
        int n = w * h;
        ColorModel cm = image.getColorModel();
        ColorSpace cs = cm.getColorSpace();
        Raster raster = image.getRaster();
        boolean component = cm instanceof ComponentColorModel;
        if (component && cs.getType() == ColorSpace.TYPE_GRAY) {
            float[] grey = band(raster, 0, w, h, cm.getComponentSize(0));
            return grayscale ? new float[][] {grey} : new float[][] {grey, grey.clone(), grey.clone()};
        }
        float[] r;
        float[] g;
        float[] b;
        if (component && cs.isCS_sRGB() && cm.getNumColorComponents() == 3) {
            r = band(raster, 0, w, h, cm.getComponentSize(0));
            g = band(raster, 1, w, h, cm.getComponentSize(1));
            b = band(raster, 2, w, h, cm.getComponentSize(2));
        } else {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            r = new float[n];
            g = new float[n];
            b = new float[n];
            for (int i = 0; i < n; i++) {
                r[i] = (argb[i] >> 16) & 0xff;
                g[i] = (argb[i] >> 8) & 0xff;
                b[i] = argb[i] & 0xff;
            }
        }
        if (!grayscale) {
            return new float[][] {r, g, b};
        }
        float[] luma = new float[n];
        for (int i = 0; i < n; i++) {
            luma[i] = 0.299f * r[i] + 0.587f * g[i] + 0.114f * b[i];
        }
        return new float[][] {luma};
    }

    private static float[] band(Raster raster, int band, int w, int h, int bits) {
        int[] samples = raster.getSamples(0, 0, w, h, band, (int[]) null);
        float scale = bits == 8 ? 1f : 255f / ((1L << bits) - 1);
        float[] out = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = samples[i] * scale;
        }
        return out;
    }

    /**
     * Resampling weights along one axis from {@code in} to {@code out} samples, for the output positions
     * {@code offset .. offset + count - 1} only (the crop).
     */
    static final class Kernel {
        private final int[] start;
        private final int[] length;
        private final float[][] weights;

        Kernel(int in, int out, int offset, int count) {
            double scale = (double) in / out;
            double support = Math.max(scale, 1.0);
            start = new int[count];
            length = new int[count];
            weights = new float[count][];
            for (int i = 0; i < count; i++) {
                double center = (offset + i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(center - support));
                int hi = Math.min(in, (int) Math.ceil(center + support));
                double[] w = new double[hi - lo];
                double sum = 0;
                for (int j = lo; j < hi; j++) {
                    double t = 1 - Math.abs((j + 0.5 - center) / support);
                    w[j - lo] = Math.max(0, t);
                    sum += w[j - lo];
                }
                start[i] = lo;
                length[i] = w.length;
                weights[i] = new float[w.length];
                for (int k = 0; k < w.length; k++) {
                    weights[i][k] = (float) (w[k] / sum);
                }
            }
        }

        /** Weighted sum for output position {@code i} over {@code data[base + stride * j]}. */
        float apply(float[] data, int base, int stride, int i) {
            float[] w = weights[i];
            int s = start[i];
            float acc = 0;
            for (int k = 0; k < length[i]; k++) {
                acc += w[k] * data[base + stride * (s + k)];
            }
            return acc;
        }
    }
}

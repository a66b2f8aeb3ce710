package org.sparktrain.zoo.contrastive;

import org.sparktrain.zoo.ImageShape;

import java.util.SplittableRandom;

/**
 * Random views of an image for contrastive learning (SimCLR-style augmentation adapted to small grayscale images):
 * random resized crop, a small affine jitter (rotation and translation), an optional horizontal flip and additive
 * Gaussian noise. Plain Java on float arrays: it runs wherever the training step runs (on the Spark executors).
 *
 * <p><b>Randomness</b> is a pure function of (seed, epoch, record id, view): {@link #view} draws every random
 * number from a {@link SplittableRandom} seeded by a mix of the four, so a retried task, a resumed run or another
 * worker count produces exactly the same views.
 *
 * <p><b>Geometry</b> (inverse mapping, pixel-centre coordinates relative to the image centre c = ((W−1)/2, (H−1)/2)):
 * an output pixel p is first mirrored (flip: p_x ← −p_x), then the jitter is undone, p' = R(−θ)(p − t), then
 * mapped into the crop, src = cropCentre + p' ⊙ (cropSize / imageSize), and the source is sampled bilinearly (zero
 * outside the image). Crop: area fraction s ~ U[cropScaleMin, 1] and aspect ratio r log-uniform in
 * [3/4, 4/3] give a crop of width min(W, W√(s r)) and height min(H, H√(s/r)), placed uniformly inside the image
 * (cropScaleMin = 1: the whole image).
 * θ ~ U[−maxRotationDegrees, +maxRotationDegrees], t ~ U[−maxTranslate, +maxTranslate]² pixels, flip with
 * probability flipProbability. Noise: every value gets N(0, noiseStd²), then values are clipped to
 * [clipMin, clipMax] (the data's range, [0, 1] for prepared images). All channels share one geometry.
 *
 * @param cropScaleMin        smallest crop area fraction (1 = no crop)
 * @param maxRotationDegrees  rotation jitter bound
 * @param maxTranslate        translation jitter bound in pixels
 * @param flipProbability     probability of a horizontal flip (0 for data where mirroring changes the class)
 * @param noiseStd            standard deviation of the additive Gaussian noise
 * @param clipMin             lower bound of values after noise
 * @param clipMax             upper bound of values after noise
 */
public record ImageAugmentation(ImageShape shape, double cropScaleMin, double maxRotationDegrees, double maxTranslate,
                                double flipProbability, double noiseStd, double clipMin, double clipMax)
        implements java.io.Serializable {
    private static final double RATIO_MIN = 3.0 / 4.0;
    private static final double RATIO_MAX = 4.0 / 3.0;

    public ImageAugmentation {
        if (shape == null) {
            throw new IllegalArgumentException("augmentation: image shape must be set");
        }
        if (!(cropScaleMin > 0 && cropScaleMin <= 1)) {
            throw new IllegalArgumentException("augmentation.cropScaleMin must be in (0, 1], got " + cropScaleMin);
        }
        if (!(maxRotationDegrees >= 0 && maxRotationDegrees <= 180)) {
            throw new IllegalArgumentException("augmentation.maxRotationDegrees must be in [0, 180], got "
                    + maxRotationDegrees);
        }
        if (!(maxTranslate >= 0) || Double.isInfinite(maxTranslate)) {
            throw new IllegalArgumentException("augmentation.maxTranslate must be >= 0, got " + maxTranslate);
        }
        if (!(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException("augmentation.flipProbability must be in [0, 1], got " + flipProbability);
        }
        if (!(noiseStd >= 0) || Double.isInfinite(noiseStd)) {
            throw new IllegalArgumentException("augmentation.noiseStd must be >= 0, got " + noiseStd);
        }
        if (!(clipMax > clipMin)) {
            throw new IllegalArgumentException("augmentation: clipMax must exceed clipMin, got [" + clipMin + ", "
                    + clipMax + "]");
        }
    }

    /** No change at all: every view equals its input (for tests and for turning augmentation off). */
    public static ImageAugmentation identity(ImageShape shape) {
        return new ImageAugmentation(shape, 1, 0, 0, 0, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /** The drawn parameters of one view (crop rectangle in pixels, rotation in radians, translation, flip). */
    public record Draw(double cropX0, double cropY0, double cropWidth, double cropHeight, double rotation,
                       double shiftX, double shiftY, boolean flip, long noiseSeed) {
    }

    /** The parameters of view {@code view} of record {@code id} in {@code epoch}. */
    public Draw draw(long seed, int epoch, long id, int view) {
        SplittableRandom rnd = new SplittableRandom(mix(seed, epoch, id, view));
        int h = shape.height();
        int w = shape.width();
        double scale = cropScaleMin + (1 - cropScaleMin) * rnd.nextDouble();
        double ratio = Math.exp(Math.log(RATIO_MIN) + (Math.log(RATIO_MAX) - Math.log(RATIO_MIN)) * rnd.nextDouble());
        // cropScaleMin = 1 means no crop (also no aspect change)
        double cw = cropScaleMin == 1 ? w : Math.min(w, w * Math.sqrt(scale * ratio));
        double ch = cropScaleMin == 1 ? h : Math.min(h, h * Math.sqrt(scale / ratio));
        double x0 = (w - cw) * rnd.nextDouble();
        double y0 = (h - ch) * rnd.nextDouble();
        double theta = Math.toRadians(maxRotationDegrees * (2 * rnd.nextDouble() - 1));
        double tx = maxTranslate * (2 * rnd.nextDouble() - 1);
        double ty = maxTranslate * (2 * rnd.nextDouble() - 1);
        boolean flip = rnd.nextDouble() < flipProbability;
        return new Draw(x0, y0, cw, ch, theta, tx, ty, flip, rnd.nextLong());
    }

    /** View {@code view} (0 or 1 for the two views) of {@code image} (C·H·W values); a new array. */
    public float[] view(float[] image, long seed, int epoch, long id, int view) {
        return apply(image, draw(seed, epoch, id, view));
    }

    /** Applies drawn parameters to {@code image} (C·H·W values, channel-major); a new array. */
    public float[] apply(float[] image, Draw d) {
        int c = shape.channels();
        int h = shape.height();
        int w = shape.width();
        if (image.length != shape.size()) {
            throw new IllegalArgumentException("image has " + image.length + " values, expected " + shape.size()
                    + " (" + shape + ")");
        }
        float[] out = new float[image.length];
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        double cos = Math.cos(d.rotation());
        double sin = Math.sin(d.rotation());
        double cropCx = d.cropX0() + d.cropWidth() / 2 - 0.5;
        double cropCy = d.cropY0() + d.cropHeight() / 2 - 0.5;
        double sx = d.cropWidth() / w;
        double sy = d.cropHeight() / h;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                double px = j - cx;
                double py = i - cy;
                if (d.flip()) {
                    px = -px;
                }
                px -= d.shiftX();
                py -= d.shiftY();
                double rx = cos * px + sin * py;      // R(−θ) p
                double ry = -sin * px + cos * py;
                double srcX = cropCx + rx * sx;
                double srcY = cropCy + ry * sy;
                for (int k = 0; k < c; k++) {
                    out[(k * h + i) * w + j] = (float) bilinear(image, k, srcX, srcY);
                }
            }
        }
        if (noiseStd > 0 || Double.isFinite(clipMin) || Double.isFinite(clipMax)) {
            SplittableRandom noise = new SplittableRandom(d.noiseSeed());
            for (int p = 0; p < out.length; p++) {
                double v = out[p] + (noiseStd > 0 ? noiseStd * noise.nextGaussian() : 0);
                out[p] = (float) Math.max(clipMin, Math.min(clipMax, v));
            }
        }
        return out;
    }

    private double bilinear(float[] image, int channel, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (1 - fx) * (1 - fy) * pixel(image, channel, y0, x0) + fx * (1 - fy) * pixel(image, channel, y0, x0 + 1)
                + (1 - fx) * fy * pixel(image, channel, y0 + 1, x0) + fx * fy * pixel(image, channel, y0 + 1, x0 + 1);
    }

    private double pixel(float[] image, int channel, int i, int j) {
        if (i < 0 || j < 0 || i >= shape.height() || j >= shape.width()) {
            return 0;
        }
        return image[(channel * shape.height() + i) * shape.width() + j];
    }

    /** A 64-bit mix of (seed, epoch, id, view) (SplitMix64 finaliser after each input). */
    static long mix(long seed, int epoch, long id, int view) {
        long h = splitMix(seed);
        h = splitMix(h ^ epoch);
        h = splitMix(h ^ id);
        return splitMix(h ^ view);
    }

    private static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

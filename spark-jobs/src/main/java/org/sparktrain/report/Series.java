package org.sparktrain.report;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named sequence of finite (x, y) points in x order, e.g. training loss against step. Immutable.
 */
public final class Series {
    private final String name;
    private final double[] x;
    private final double[] y;

    /**
     * @param name legend label
     * @param x    x values (copied)
     * @param y    y values (copied), same length as {@code x}
     */
    public Series(String name, double[] x, double[] y) {
        this.name = Objects.requireNonNull(name, "name");
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length
                    + " y values");
        }
        this.x = x.clone();
        this.y = y.clone();
    }

    public String name() {
        return name;
    }

    public int size() {
        return x.length;
    }

    public boolean isEmpty() {
        return x.length == 0;
    }

    public double x(int i) {
        return x[i];
    }

    public double y(int i) {
        return y[i];
    }

    /** The last y value, or NaN for an empty series. */
    public double lastY() {
        return y.length == 0 ? Double.NaN : y[y.length - 1];
    }

    /** The last x value, or NaN for an empty series. */
    public double lastX() {
        return x.length == 0 ? Double.NaN : x[x.length - 1];
    }

    /** The same points under another legend label. */
    public Series named(String newName) {
        return new Series(newName, x, y);
    }

    /**
     * At most about {@code maxPoints} points for drawing: the points are cut into {@code maxPoints / 2} buckets of
     * consecutive points and each bucket keeps its lowest and highest point (in x order), so spikes stay visible.
     * Returns this series when it is small enough.
     */
    public Series decimated(int maxPoints) {
        if (maxPoints < 2) {
            throw new IllegalArgumentException("maxPoints must be at least 2, got " + maxPoints);
        }
        if (x.length <= maxPoints) {
            return this;
        }
        int buckets = maxPoints / 2;
        double[] dx = new double[2 * buckets];
        double[] dy = new double[2 * buckets];
        int n = 0;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * x.length / buckets);
            int to = (int) ((long) (b + 1) * x.length / buckets);
            int lo = from;
            int hi = from;
            for (int i = from; i < to; i++) {
                if (y[i] < y[lo]) {
                    lo = i;
                }
                if (y[i] > y[hi]) {
                    hi = i;
                }
            }
            int first = Math.min(lo, hi);
            int second = Math.max(lo, hi);
            dx[n] = x[first];
            dy[n++] = y[first];
            if (second != first) {
                dx[n] = x[second];
                dy[n++] = y[second];
            }
        }
        return new Series(name, Arrays.copyOf(dx, n), Arrays.copyOf(dy, n));
    }

    @Override
    public String toString() {
        return "Series[" + name + ", " + x.length + " points]";
    }
}

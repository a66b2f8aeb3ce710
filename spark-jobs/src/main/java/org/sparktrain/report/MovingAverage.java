package org.sparktrain.report;

/**
 * Centred moving average of a {@link Series}, drawn over noisy curves such as a per-interval training loss.
 *
 * <p>Point i of the average is the mean of the raw points {@code i - floor((w-1)/2) .. i + ceil((w-1)/2)}, clipped
 * to the series (fewer than w points at both ends), placed at the x of point i. Centred rather than trailing, so
 * the average of a falling loss does not lag behind it. A curve counts as noisy when its total variation {@code sum |y[i+1]-y[i]|} is more
 * than {@link #NOISE_RATIO} times that of its moving average: a smooth (e.g. monotone) curve has about the same
 * variation as its average, a jittery one much more.
 */
public final class MovingAverage {
    /** Raw-to-average total-variation ratio above which a curve counts as noisy. */
    public static final double NOISE_RATIO = 1.5;
    /** Fewest points for which an average is drawn at all. */
    public static final int MIN_POINTS = 20;

    private MovingAverage() {
    }

    /** The default window for {@code n} points: 5% of the points, at least 5. */
    public static int defaultWindow(int n) {
        return Math.max(5, n / 20);
    }

    /** The centred moving average of {@code raw} over {@code window} points. */
    public static Series of(Series raw, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        int n = raw.size();
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + raw.y(i);
        }
        int before = (window - 1) / 2;
        int after = window - 1 - before;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            int from = Math.max(0, i - before);
            int to = Math.min(n, i + after + 1);
            x[i] = raw.x(i);
            y[i] = (prefix[to] - prefix[from]) / (to - from);
        }
        return new Series(raw.name() + " (moving average, " + window + " points)", x, y);
    }

    /** True when {@code raw} has at least {@link #MIN_POINTS} points and is noisy in the sense above. */
    public static boolean isNoisy(Series raw) {
        if (raw.size() < MIN_POINTS) {
            return false;
        }
        double rawVariation = totalVariation(raw);
        double smoothVariation = totalVariation(of(raw, defaultWindow(raw.size())));
        return rawVariation > NOISE_RATIO * smoothVariation;
    }

    static double totalVariation(Series s) {
        double tv = 0;
        for (int i = 1; i < s.size(); i++) {
            tv += Math.abs(s.y(i) - s.y(i - 1));
        }
        return tv;
    }
}

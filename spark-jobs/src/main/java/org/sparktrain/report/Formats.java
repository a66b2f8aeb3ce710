package org.sparktrain.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * Number formats of the report, locale-independent. Missing or non-finite values print as {@value #MISSING}.
 */
public final class Formats {
    /** What a missing value prints as. */
    public static final String MISSING = "n/a";

    private Formats() {
    }

    /** Four decimals, for losses and accuracies: {@code 0.9870}. */
    public static String fixed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : MISSING;
    }

    /** A fraction as a percentage with two decimals: {@code 98.70%}. */
    public static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f%%", 100 * fraction) : MISSING;
    }

    /** A count with thousands separators: {@code 10,000}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * Any number: integers in full, other values between 0.001 and 10^7 with 4 significant digits and no trailing
     * zeros ({@code 812.3}, {@code 0.04}), the rest in scientific notation ({@code 1.235e-05}).
     */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            return MISSING;
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e7) {
            return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }

    /** A duration: {@code 42.1 s}, {@code 3m05s}, {@code 1h02m}. */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return MISSING;
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}

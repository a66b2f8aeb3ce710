package org.sparktrain.config;

/**
 * Validation helpers for config record constructors. Each failure message starts with the field name; the
 * {@link ConfigLoader} prefixes the path of the enclosing section.
 */
public final class Check {
    private Check() {
    }

    public static int atLeast(String field, Integer value, int defaultValue, int min) {
        int v = value == null ? defaultValue : value;
        if (v < min) {
            throw new IllegalArgumentException(field + ": must be at least " + min + ", got " + v);
        }
        return v;
    }

    public static long atLeast(String field, Long value, long defaultValue, long min) {
        long v = value == null ? defaultValue : value;
        if (v < min) {
            throw new IllegalArgumentException(field + ": must be at least " + min + ", got " + v);
        }
        return v;
    }

    public static double positive(String field, Double value, double defaultValue) {
        double v = value == null ? defaultValue : value;
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(field + ": must be a positive finite number, got " + v);
        }
        return v;
    }

    public static double inRange(String field, Double value, double defaultValue, double lo, double hi) {
        double v = value == null ? defaultValue : value;
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(field + ": must be in [" + lo + ", " + hi + "], got " + v);
        }
        return v;
    }

    public static String oneOf(String field, String value, String defaultValue, java.util.List<String> allowed) {
        String v = value == null ? defaultValue : value;
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException(field + ": must be one of " + allowed + ", got '" + v + "'");
        }
        return v;
    }

    public static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": is required");
        }
        return value;
    }
}

package org.sparktrain.engine;

import java.io.Serializable;

/**
 * One numeric column a worker needs from the prepared dataset, held in its shard as {@code width} floats per
 * record. The source column is either {@code array<float|double>} of exactly {@code width} values or a numeric
 * scalar ({@code width == 1}).
 */
public final class ColumnSpec implements Serializable {
    private final String name;
    private final int width;
    private final boolean optional;

    public ColumnSpec(String name, int width, boolean optional) {
        if (width < 1) {
            throw new IllegalArgumentException("column " + name + ": width must be positive, got " + width);
        }
        this.name = name;
        this.width = width;
        this.optional = optional;
    }

    public static ColumnSpec of(String name, int width) {
        return new ColumnSpec(name, width, false);
    }

    /** A column that may be absent from the dataset, e.g. per-record sampling weights; absent means all ones. */
    public static ColumnSpec optional(String name, int width) {
        return new ColumnSpec(name, width, true);
    }

    public String name() {
        return name;
    }

    public int width() {
        return width;
    }

    public boolean isOptional() {
        return optional;
    }
}

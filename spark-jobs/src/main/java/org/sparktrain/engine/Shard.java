package org.sparktrain.engine;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * One data-parallel worker's slice of the training data, resident in executor memory for the whole run: the
 * records' stable ids in ascending order and, per {@link ColumnSpec}, a row-major float block of
 * {@code size() x width}. A plain class (not a record) so Spark's Kryo serializer can rebuild it.
 */
public final class Shard implements Serializable {
    private int worker;
    private long[] ids;
    private String[] names;
    private int[] widths;
    private float[][] columns;

    @SuppressWarnings("unused")
    private Shard() {
        // for Kryo
    }

    public Shard(int worker, long[] ids, List<ColumnSpec> specs, float[][] columns) {
        if (specs.size() != columns.length) {
            throw new IllegalArgumentException("expected " + specs.size() + " columns, got " + columns.length);
        }
        this.worker = worker;
        this.ids = ids;
        this.names = specs.stream().map(ColumnSpec::name).toArray(String[]::new);
        this.widths = specs.stream().mapToInt(ColumnSpec::width).toArray();
        this.columns = columns;
        for (int c = 0; c < columns.length; c++) {
            if (columns[c].length != (long) ids.length * widths[c]) {
                throw new IllegalArgumentException("column " + names[c] + " holds " + columns[c].length
                        + " values for " + ids.length + " records of width " + widths[c]);
            }
        }
    }

    public int worker() {
        return worker;
    }

    public int size() {
        return ids.length;
    }

    public long id(int position) {
        return ids[position];
    }

    public long[] ids() {
        return ids;
    }

    public boolean hasColumn(String name) {
        return indexOf(name) >= 0;
    }

    public int width(String name) {
        return widths[require(name)];
    }

    /** The row-major block of a column; shared, do not modify. */
    public float[] column(String name) {
        return columns[require(name)];
    }

    private int require(String name) {
        int i = indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("shard has no column '" + name + "', has " + Arrays.toString(names));
        }
        return i;
    }

    private int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}

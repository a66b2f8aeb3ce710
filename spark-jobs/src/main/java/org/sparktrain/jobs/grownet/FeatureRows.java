package org.sparktrain.jobs.grownet;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

import java.util.List;

/** Reads a feature column value (an ML {@link Vector} or an array of numbers) of a Spark row into floats. */
final class FeatureRows {
    private FeatureRows() {
    }

    static void copy(Row row, int field, String column, float[] dst, int offset, int width) {
        if (row.isNullAt(field)) {
            throw new IllegalArgumentException("column '" + column + "' is null in row " + row);
        }
        Object v = row.get(field);
        if (v instanceof Vector vec) {
            check(vec.size(), column, width);
            for (int j = 0; j < width; j++) {
                dst[offset + j] = (float) vec.apply(j);
            }
            return;
        }
        List<Object> list = row.getList(field);
        check(list.size(), column, width);
        for (int j = 0; j < width; j++) {
            Object x = list.get(j);
            if (!(x instanceof Number n)) {
                throw new IllegalArgumentException("column '" + column + "' holds a non-number " + x);
            }
            dst[offset + j] = n.floatValue();
        }
    }

    static int width(Row row, int field, String column) {
        Object v = row.get(field);
        if (v instanceof Vector vec) {
            return vec.size();
        }
        if (v == null) {
            throw new IllegalArgumentException("column '" + column + "' is null in row " + row);
        }
        return row.getList(field).size();
    }

    private static void check(int size, String column, int width) {
        if (size != width) {
            throw new IllegalArgumentException("column '" + column + "' has " + size + " values, expected " + width);
        }
    }
}

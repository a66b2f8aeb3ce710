package org.sparktrain.data.sampling;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.PreparedDataset;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev_pop;

/**
 * The design matrix of a linear regression on a prepared table: row a(x) = [1, x_c1, ..., x_c(d−1)] (an intercept
 * column, then the feature columns that are not constant over the records), d = 1 + the kept columns. A constant
 * column is a multiple of the intercept column, so keeping it would make AᵀA singular; it is dropped and listed in
 * {@link #dropped()} (Debian's census-house FANN file, for one, has 14 of its 16 inputs equal to 0 in every row).
 * Also holds each kept column's mean and population standard deviation, for the standardised embedding
 * {@link #standardised(float[])} that regression sensitivity sampling clusters on.
 *
 * @param columns kept feature columns (indices into the features array), ascending
 * @param dropped constant feature columns that are left out
 * @param mean    per kept column, its mean over the records
 * @param std     per kept column, its population standard deviation (> 0)
 */
public record LinearDesign(int[] columns, int[] dropped, double[] mean, double[] std) implements Serializable {

    /** d, the number of design columns (intercept included). */
    public int width() {
        return columns.length + 1;
    }

    /** The design row [1, x_c1, ...] of a record's features (double precision). */
    public double[] row(float[] features) {
        double[] a = new double[width()];
        a[0] = 1;
        for (int j = 0; j < columns.length; j++) {
            a[j + 1] = features[columns[j]];
        }
        return a;
    }

    /** The kept columns standardised: (x_c − mean_c) / std_c (no intercept). */
    public float[] standardised(float[] features) {
        float[] e = new float[columns.length];
        for (int j = 0; j < columns.length; j++) {
            e[j] = (float) ((features[columns[j]] - mean[j]) / std[j]);
        }
        return e;
    }

    /**
     * The design of {@code records} (id, features, label; features of {@code featureSize} numbers): one Spark
     * aggregation (min, max, mean, standard deviation of every column); nothing proportional to n reaches the
     * driver.
     *
     * @param where the dataset and split, for error messages
     * @throws BadInputException if every feature column is constant (nothing to regress on)
     */
    public static LinearDesign of(Dataset<Row> records, int featureSize, String where) {
        List<Column> aggs = new ArrayList<>();
        for (int j = 0; j < featureSize; j++) {
            Column x = element_at(col(PreparedDataset.FEATURES), j + 1).cast("double");
            aggs.add(min(x));
            aggs.add(max(x));
            aggs.add(avg(x));
            aggs.add(stddev_pop(x));
        }
        Row stats = records.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        List<Integer> kept = new ArrayList<>();
        List<Integer> constant = new ArrayList<>();
        for (int j = 0; j < featureSize; j++) {
            double lo = stats.getDouble(4 * j);
            double hi = stats.getDouble(4 * j + 1);
            (hi > lo && stats.getDouble(4 * j + 3) > 0 ? kept : constant).add(j);
        }
        if (kept.isEmpty()) {
            throw new BadInputException(where + ": all " + featureSize + " feature columns are constant, so a linear "
                    + "regression has nothing but the intercept");
        }
        int[] columns = kept.stream().mapToInt(Integer::intValue).toArray();
        double[] mean = new double[columns.length];
        double[] std = new double[columns.length];
        for (int j = 0; j < columns.length; j++) {
            mean[j] = stats.getDouble(4 * columns[j] + 2);
            std[j] = stats.getDouble(4 * columns[j] + 3);
        }
        return new LinearDesign(columns, constant.stream().mapToInt(Integer::intValue).toArray(), mean, std);
    }

    @Override
    public String toString() {
        return "intercept + feature columns " + Arrays.toString(columns)
                + (dropped.length == 0 ? "" : " (constant, dropped: " + Arrays.toString(dropped) + ")");
    }
}

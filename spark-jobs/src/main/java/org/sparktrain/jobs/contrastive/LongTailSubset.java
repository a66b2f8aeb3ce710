package org.sparktrain.jobs.contrastive;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.PreparedDataset;

import java.util.List;

/**
 * Deterministic subsets of a prepared split with Spark SQL: the long-tailed version of a balanced training set
 * (CIFAR-LT style) and the trim to a whole number of global batches. "Deterministic" means: the records kept are
 * chosen by a seeded hash of the record id (Spark's {@code xxhash64}), so every run with the same seed trains on
 * the same records.
 */
final class LongTailSubset {
    private LongTailSubset() {
    }

    /**
     * Records to keep per class: n_k = min(available_k, round(n_0 · r^(−k/(K−1)))), k = 0..K−1, n_0 = the records
     * of class 0 (for an imbalance ratio r between the first and the last class).
     */
    static long[] classSizes(long[] available, double ratio) {
        int k = available.length;
        long[] keep = new long[k];
        for (int c = 0; c < k; c++) {
            double exponent = k == 1 ? 0 : -(double) c / (k - 1);
            keep[c] = Math.min(available[c], Math.round(available[0] * Math.pow(ratio, exponent)));
        }
        return keep;
    }

    /**
     * Records to keep per class with a cap: first min(available_k, maxPerClass) (no cap when maxPerClass = 0), then
     * the long tail {@link #classSizes(long[], double)} of those.
     */
    static long[] classSizes(long[] available, double ratio, int maxPerClass) {
        long[] capped = available.clone();
        if (maxPerClass > 0) {
            for (int c = 0; c < capped.length; c++) {
                capped[c] = Math.min(capped[c], maxPerClass);
            }
        }
        return classSizes(capped, ratio);
    }

    /**
     * The subset of {@code train} with {@link #classSizes(long[], double, int)} records per class, each class's
     * records taken in seeded-hash order; the input itself when ratio = 1 and maxPerClass = 0.
     */
    static Dataset<Row> subset(Dataset<Row> train, int numClasses, double ratio, int maxPerClass, long seed) {
        if (ratio == 1 && maxPerClass == 0) {
            return train;
        }
        long[] available = classCounts(train, numClasses);
        long[] keep = classSizes(available, ratio, maxPerClass);
        Column[] limits = new Column[numClasses];
        for (int c = 0; c < numClasses; c++) {
            limits[c] = functions.lit(keep[c]);
        }
        Column rank = functions.row_number().over(Window.partitionBy(PreparedDataset.LABEL)
                .orderBy(functions.xxhash64(functions.col(PreparedDataset.ID), functions.lit(seed)),
                        functions.col(PreparedDataset.ID)));
        Column limit = functions.element_at(functions.array(limits), functions.col(PreparedDataset.LABEL).plus(1));
        // rank (id, label) pairs only, then keep the chosen ids: sorting whole rows would move every image's features
        Dataset<Row> kept = train.select(PreparedDataset.ID, PreparedDataset.LABEL).withColumn("_rank", rank)
                .filter(functions.col("_rank").leq(limit)).select(PreparedDataset.ID);
        return train.join(functions.broadcast(kept), PreparedDataset.ID, "left_semi");
    }

    /** Records per class 0..K−1. */
    static long[] classCounts(Dataset<Row> data, int numClasses) {
        long[] counts = new long[numClasses];
        List<Row> rows = data.groupBy(PreparedDataset.LABEL).count().collectAsList();
        for (Row r : rows) {
            int label = r.getInt(0);
            if (label < 0 || label >= numClasses) {
                throw new BadInputException("label " + label + " outside [0, " + numClasses + ")");
            }
            counts[label] = r.getLong(1);
        }
        return counts;
    }

    /**
     * The first floor(N / batch)·batch records in seeded-hash order (drop_last): every global batch is full and
     * every worker has the same number of records in every step.
     */
    static Dataset<Row> wholeBatches(Dataset<Row> train, int batchSize, long seed, String name) {
        long n = train.count();
        long keep = n / batchSize * batchSize;
        if (keep == 0) {
            throw new BadInputException(name + ": " + n + " training records are fewer than one global batch ("
                    + batchSize + ", engine.batchSize)");
        }
        if (keep == n) {
            return train;
        }
        Dataset<Row> kept = train.select(PreparedDataset.ID)
                .orderBy(functions.xxhash64(functions.col(PreparedDataset.ID), functions.lit(seed + 1)),
                        functions.col(PreparedDataset.ID)).limit((int) keep);
        return train.join(functions.broadcast(kept), PreparedDataset.ID, "left_semi");
    }
}

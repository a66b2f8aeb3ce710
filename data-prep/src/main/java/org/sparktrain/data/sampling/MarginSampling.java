package org.sparktrain.data.sampling;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.PreparedDataset;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Margin sampling, the uncertainty baseline of the {@code select} job (Scheffer et al., "Active hidden Markov models
 * for information extraction", IDA 2001; the margin baseline of Axiotis et al., ICML 2024): the m records whose
 * predicted class probabilities have the smallest margin p_(1)(x) − p_(2)(x) (most probable minus second most
 * probable class, {@link SelectionModel#margins}); ties broken by the smaller id, so the selection is deterministic.
 * <p>
 * The selection is not a random sample, so no weight makes it unbiased; every selected record gets the weight n/m
 * (multiplicity 1, probability 1/n, cluster −1), so that Σ weights = n like the other methods and weighted training
 * treats it like a uniform subset of the same size. Computed in one pass of the model over the executors; only the m
 * selected ids reach the join (Spark's sort + limit, nothing proportional to n is collected on the driver).
 */
public final class MarginSampling {
    private static final int BATCH = 256;
    private static final StructType MARGIN_SCHEMA = new StructType()
            .add(PreparedDataset.ID, DataTypes.LongType, false)
            .add("margin", DataTypes.DoubleType, false);

    private MarginSampling() {
    }

    /**
     * The selected rows (id, weight, multiplicity, probability, cluster) of {@code records} (id, features, label).
     *
     * @param m how many records to select, 1..n
     * @param n the number of records
     */
    public static Dataset<Row> drawnRows(SparkSession spark, Dataset<Row> records, SelectionModel model, long m, long n) {
        if (model == null) {
            throw new BadInputException("selection.method: margin needs a trained classifier (set model to a run "
                    + "directory)");
        }
        int featuresField = records.schema().fieldIndex(PreparedDataset.FEATURES);
        int idField = records.schema().fieldIndex(PreparedDataset.ID);
        JavaRDD<Row> margins = records.javaRDD().mapPartitions(it -> margins(it, idField, featuresField, model));
        return spark.createDataFrame(margins, MARGIN_SCHEMA)
                .orderBy(col("margin"), col(PreparedDataset.ID))
                .limit((int) Math.min(Integer.MAX_VALUE, m))
                .select(col(PreparedDataset.ID),
                        lit((double) n / m).as(SensitivitySampling.WEIGHT),
                        lit(1).as(SensitivitySampling.MULTIPLICITY),
                        lit(1.0 / n).as(SensitivitySampling.PROBABILITY),
                        lit(-1).as(SensitivitySampling.CLUSTER));
    }

    /** (id, margin) of every record of a partition, evaluated in batches of {@value #BATCH}. */
    private static Iterator<Row> margins(Iterator<Row> it, int idField, int featuresField, SelectionModel model) {
        List<Row> out = new ArrayList<>();
        List<Row> batch = new ArrayList<>(BATCH);
        while (it.hasNext()) {
            batch.add(it.next());
            if (batch.size() == BATCH || !it.hasNext()) {
                float[][] x = new float[batch.size()][];
                for (int i = 0; i < x.length; i++) {
                    x[i] = RecordEmbedding.features(batch.get(i), featuresField);
                }
                double[] margin = model.margins(x);
                if (margin.length != x.length) {
                    throw new IllegalStateException(model.description() + " gave " + margin.length + " margins for "
                            + x.length + " records");
                }
                for (int i = 0; i < x.length; i++) {
                    long id = batch.get(i).getLong(idField);
                    if (!Double.isFinite(margin[i])) {
                        throw new BadInputException("record " + id + ": the model's margin is " + margin[i]);
                    }
                    out.add(RowFactory.create(id, margin[i]));
                }
                batch.clear();
            }
        }
        return out.iterator();
    }
}

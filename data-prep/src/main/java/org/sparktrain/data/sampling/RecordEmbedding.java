package org.sparktrain.data.sampling;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.feature.Normalizer;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.PreparedDataset;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * Adds the embedding e_x of every record as an MLlib vector column {@value #EMBEDDING}: the raw features
 * ({@code array_to_vector}), their projection on the top principal components (Spark MLlib {@link PCA}, fitted on
 * all records), or a model's embedding computed batch-wise on the executors ({@link SelectionModel#embed}).
 * Optionally every embedding is scaled to unit L2 norm (Spark MLlib {@link Normalizer}; a zero vector stays zero).
 */
public final class RecordEmbedding {
    public static final String EMBEDDING = "embedding";
    private static final String RAW_VECTOR = "_raw_vector";
    private static final int BATCH = 256;

    private RecordEmbedding() {
    }

    /**
     * @param records   rows with {@code id}, {@code features} (array of {@code featureSize} floats) and {@code label}
     * @param embedding {@link SelectionSettings#RAW}, {@link SelectionSettings#PCA} or {@link SelectionSettings#MODEL}
     */
    public static Dataset<Row> embed(Dataset<Row> records, String embedding, int featureSize, int pcaDimensions,
                                     boolean normalize, SelectionModel model) {
        Dataset<Row> out = switch (embedding) {
            case SelectionSettings.RAW -> records.withColumn(EMBEDDING,
                    org.apache.spark.ml.functions.array_to_vector(col(PreparedDataset.FEATURES)));
            case SelectionSettings.PCA -> pca(records, featureSize, pcaDimensions);
            case SelectionSettings.MODEL -> byModel(records, model);
            default -> throw new IllegalArgumentException("embedding: unknown '" + embedding + "'");
        };
        if (!normalize) {
            return out;
        }
        String unit = "_unit_embedding";
        Dataset<Row> normalized = new Normalizer().setP(2.0).setInputCol(EMBEDDING).setOutputCol(unit).transform(out);
        return normalized.drop(EMBEDDING).withColumnRenamed(unit, EMBEDDING);
    }

    /**
     * Replaces {@value #EMBEDDING} by [e_x, s·onehot(label_x)] with s = {@code separation} · max_x ‖e_x‖ (one
     * aggregation): two records of different classes are then at least √2·s apart while any two of the same class
     * are at most 2·max‖e‖ apart, so k-means (k >= the class count) forms single-class clusters, and the distance
     * between two records of the same class is unchanged. A label that is not a class index 0..numClasses-1 fails
     * naming the record.
     */
    public static Dataset<Row> withLabelBlock(Dataset<Row> embedded, int numClasses, double separation) {
        int embeddingField = embedded.schema().fieldIndex(EMBEDDING);
        int labelField = embedded.schema().fieldIndex(PreparedDataset.LABEL);
        int idField = embedded.schema().fieldIndex(PreparedDataset.ID);
        double maxNorm = embedded.javaRDD().map(r -> Vectors.norm((org.apache.spark.ml.linalg.Vector)
                r.get(embeddingField), 2.0)).fold(0.0, Math::max);
        double scale = separation * (maxNorm > 0 ? maxNorm : 1.0);
        JavaRDD<Row> rows = embedded.javaRDD().map(r -> {
            double label = ((Number) r.get(labelField)).doubleValue();
            int c = (int) label;
            if (c != label || c < 0 || c >= numClasses) {
                throw new BadInputException("record " + r.get(idField) + ": label " + label + " is not a class index "
                        + "0.." + (numClasses - 1) + " (selection.labelAware needs class labels)");
            }
            double[] e = ((org.apache.spark.ml.linalg.Vector) r.get(embeddingField)).toArray();
            double[] v = java.util.Arrays.copyOf(e, e.length + numClasses);
            v[e.length + c] = scale;
            Object[] values = new Object[r.length()];
            for (int j = 0; j < values.length; j++) {
                values[j] = j == embeddingField ? Vectors.dense(v) : r.get(j);
            }
            return RowFactory.create(values);
        });
        return embedded.sparkSession().createDataFrame(rows, embedded.schema());
    }

    private static Dataset<Row> pca(Dataset<Row> records, int featureSize, int dimensions) {
        if (dimensions > featureSize) {
            throw new IllegalArgumentException("pcaDimensions: " + dimensions + " is more than the " + featureSize
                    + " features of the dataset");
        }
        Dataset<Row> raw = records.withColumn(RAW_VECTOR,
                org.apache.spark.ml.functions.array_to_vector(col(PreparedDataset.FEATURES)));
        PCAModel pca = new PCA().setK(dimensions).setInputCol(RAW_VECTOR).setOutputCol(EMBEDDING).fit(raw);
        return pca.transform(raw).drop(RAW_VECTOR);
    }

    private static Dataset<Row> byModel(Dataset<Row> records, SelectionModel model) {
        if (model == null) {
            throw new IllegalArgumentException("embedding: 'model' needs a trained model");
        }
        StructType schema = records.schema().add(EMBEDDING, SQLDataTypes.VectorType(), false);
        int featuresField = records.schema().fieldIndex(PreparedDataset.FEATURES);
        JavaRDD<Row> rows = records.javaRDD().mapPartitions(it -> embedBatches(it, featuresField, model));
        return records.sparkSession().createDataFrame(rows, schema);
    }

    private static Iterator<Row> embedBatches(Iterator<Row> it, int featuresField, SelectionModel model) {
        return new Iterator<>() {
            private final List<Row> batch = new ArrayList<>(BATCH);
            private float[][] embedded;
            private int next;

            @Override
            public boolean hasNext() {
                if (embedded != null && next < embedded.length) {
                    return true;
                }
                batch.clear();
                while (it.hasNext() && batch.size() < BATCH) {
                    batch.add(it.next());
                }
                if (batch.isEmpty()) {
                    return false;
                }
                float[][] x = new float[batch.size()][];
                for (int i = 0; i < x.length; i++) {
                    x[i] = features(batch.get(i), featuresField);
                }
                embedded = model.embed(x);
                if (embedded.length != x.length) {
                    throw new IllegalStateException(model.description() + " embedded " + embedded.length + " of "
                            + x.length + " records");
                }
                next = 0;
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                Row r = batch.get(next);
                float[] e = embedded[next++];
                double[] v = new double[e.length];
                for (int j = 0; j < e.length; j++) {
                    if (!Float.isFinite(e[j])) {
                        throw new BadInputException("record " + r.getAs(PreparedDataset.ID) + ": the model's embedding "
                                + "has a non-finite value " + e[j]);
                    }
                    v[j] = e[j];
                }
                Object[] values = new Object[r.length() + 1];
                for (int j = 0; j < r.length(); j++) {
                    values[j] = r.get(j);
                }
                values[r.length()] = Vectors.dense(v);
                return RowFactory.create(values);
            }
        };
    }

    /** The {@code features} array of a row as floats. */
    static float[] features(Row r, int field) {
        List<Object> list = r.getList(field);
        float[] f = new float[list.size()];
        for (int j = 0; j < f.length; j++) {
            f[j] = ((Number) list.get(j)).floatValue();
        }
        return f;
    }
}

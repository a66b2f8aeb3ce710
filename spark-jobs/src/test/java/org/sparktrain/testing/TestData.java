package org.sparktrain.testing;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small generated classification datasets in the prepared-dataset schema (id, features, label). */
public final class TestData {
    public static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add("label", DataTypes.IntegerType, false);

    private TestData() {
    }

    /** n records, d features: Gaussian blobs around class-specific means, labels 0..k-1 (record i has class i mod k). */
    public static float[][] features(int n, int d, int k, long seed) {
        Random rng = new Random(seed);
        float[][] means = new float[k][d];
        for (float[] m : means) {
            for (int j = 0; j < d; j++) {
                m[j] = (float) rng.nextGaussian();
            }
        }
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = means[i % k][j] + 0.7f * (float) rng.nextGaussian();
            }
        }
        return x;
    }

    public static Dataset<Row> blobs(SparkSession spark, int n, int d, int k, long seed) {
        float[][] x = features(n, d, k, seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Float[] f = new Float[d];
            for (int j = 0; j < d; j++) {
                f[j] = x[i][j];
            }
            rows.add(RowFactory.create((long) i, f, i % k));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }
}

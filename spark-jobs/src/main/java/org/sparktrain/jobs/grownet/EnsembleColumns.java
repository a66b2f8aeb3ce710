package org.sparktrain.jobs.grownet;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparktrain.zoo.grownet.GrowNetModel;
import org.sparktrain.zoo.grownet.Ndcg;
import org.sparktrain.zoo.grownet.WeakLearner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One pass over the prepared data that appends the current ensemble's eval-mode score F ({@code score}) and its
 * last learner's penultimate features φ ({@code phi}, once there is a learner): the model is broadcast and every
 * partition is scored in blocks of rows. The next stage's fit reads these columns instead of re-running the
 * ensemble per mini-batch. (Deliberate difference from the reference code, which recomputes F and φ per batch with
 * the earlier learners in train mode: here they use their BatchNorm running statistics, as at prediction time.)
 */
final class EnsembleColumns {
    private static final int BLOCK = 1024;

    private EnsembleColumns() {
    }

    /** @param prepared rows (id, x: array&lt;float&gt; standardised, y: float[, w: float record weight]) */
    static Dataset<Row> score(SparkSession spark, Dataset<Row> prepared, GrowNetModel model, int inputs) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> bytes = jsc.broadcast(bytes(model));
        boolean withPhi = model.numLearners() > 0;
        JavaRDD<Row> rows = prepared.javaRDD().mapPartitions(it -> {
            GrowNetModel m = read(bytes.value());
            List<Row> out = new ArrayList<>();
            List<Row> block = new ArrayList<>(BLOCK);
            while (it.hasNext()) {
                block.add(it.next());
                if (block.size() == BLOCK || !it.hasNext()) {
                    scoreBlock(m, block, inputs, withPhi, out);
                    block.clear();
                }
            }
            return out.iterator();
        });
        StructType schema = prepared.schema().add(StageTrainable.SCORE, DataTypes.FloatType, false);
        if (withPhi) {
            schema = schema.add(StageTrainable.PHI, DataTypes.createArrayType(DataTypes.FloatType, false), false);
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema).persist(StorageLevel.MEMORY_AND_DISK());
        df.count();
        return df;
    }

    /**
     * The same pass over packed queries ({@link QueryPacking}): appends {@code score} (array of K, F per document,
     * padding 0) and {@code phi} (array of K·H) to every query record.
     */
    static Dataset<Row> scorePacked(SparkSession spark, Dataset<Row> packed, GrowNetModel model, int inputs,
                                    int width) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> bytes = jsc.broadcast(bytes(model));
        boolean withPhi = model.numLearners() > 0;
        int h = model.hidden();
        JavaRDD<Row> rows = packed.javaRDD().mapPartitions(it -> {
            GrowNetModel m = read(bytes.value());
            List<Row> out = new ArrayList<>();
            while (it.hasNext()) {
                Row r = it.next();
                int n = (int) r.getFloat(3);
                List<Object> xs = r.getList(1);
                double[] x = new double[n * inputs];
                for (int i = 0; i < x.length; i++) {
                    x[i] = ((Number) xs.get(i)).doubleValue();
                }
                WeakLearner.Output o = m.evaluate(x, n);
                Float[] score = new Float[width];
                java.util.Arrays.fill(score, 0f);
                for (int i = 0; i < n; i++) {
                    score[i] = (float) o.f()[i];
                }
                Object[] values = new Object[withPhi ? 6 : 5];
                for (int c = 0; c < 4; c++) {
                    values[c] = r.get(c);
                }
                values[4] = score;
                if (withPhi) {
                    Float[] phi = new Float[width * h];
                    java.util.Arrays.fill(phi, 0f);
                    for (int i = 0; i < n * h; i++) {
                        phi[i] = (float) o.phi()[i];
                    }
                    values[5] = phi;
                }
                out.add(RowFactory.create(values));
            }
            return out.iterator();
        });
        StructType schema = packed.schema().add(StageTrainable.SCORE,
                DataTypes.createArrayType(DataTypes.FloatType, false), false);
        if (withPhi) {
            schema = schema.add(StageTrainable.PHI, DataTypes.createArrayType(DataTypes.FloatType, false), false);
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema).persist(StorageLevel.MEMORY_AND_DISK());
        df.count();
        return df;
    }

    /**
     * Mean nDCG@k (gain 2^rel − 1, {@link Ndcg}) of the current ensemble over packed queries; queries without a
     * relevant document are skipped. Each query is a whole record, so the sum runs per partition.
     */
    static double meanNdcg(Dataset<Row> packed, GrowNetModel model, int inputs, int k) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(packed.sparkSession().sparkContext());
        Broadcast<byte[]> bytes = jsc.broadcast(bytes(model));
        double[] sum = packed.javaRDD().mapPartitions(it -> {
            GrowNetModel m = read(bytes.value());
            double[] acc = new double[2];
            while (it.hasNext()) {
                Row r = it.next();
                int n = (int) r.getFloat(3);
                List<Object> xs = r.getList(1);
                List<Object> ys = r.getList(2);
                double[] x = new double[n * inputs];
                for (int i = 0; i < x.length; i++) {
                    x[i] = ((Number) xs.get(i)).doubleValue();
                }
                double[] y = new double[n];
                for (int i = 0; i < n; i++) {
                    y[i] = ((Number) ys.get(i)).doubleValue();
                }
                double v = Ndcg.at(m.evaluate(x, n).f(), y, 0, n, k);
                if (!Double.isNaN(v)) {
                    acc[0] += v;
                    acc[1] += 1;
                }
            }
            return List.of(acc).iterator();
        }).reduce((a, b) -> new double[]{a[0] + b[0], a[1] + b[1]});
        return sum[1] == 0 ? Double.NaN : sum[0] / sum[1];
    }

    private static void scoreBlock(GrowNetModel m, List<Row> block, int d, boolean withPhi, List<Row> out) {
        int n = block.size();
        double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            List<Object> v = block.get(i).getList(1);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = ((Number) v.get(j)).doubleValue();
            }
        }
        WeakLearner.Output o = m.evaluate(x, n);
        int h = m.hidden();
        for (int i = 0; i < n; i++) {
            Row r = block.get(i);
            int cols = r.length(); // id, x, y, and the record weight w of a weighted fit
            Object[] values = new Object[cols + (withPhi ? 2 : 1)];
            for (int c = 0; c < cols; c++) {
                values[c] = r.get(c);
            }
            values[cols] = (float) o.f()[i];
            if (withPhi) {
                Float[] phi = new Float[h];
                for (int j = 0; j < h; j++) {
                    phi[j] = (float) o.phi()[i * h + j];
                }
                values[cols + 1] = phi;
            }
            out.add(RowFactory.create(values));
        }
    }

    static byte[] bytes(GrowNetModel model) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            model.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static GrowNetModel read(byte[] bytes) {
        try {
            return GrowNetModel.read(new ByteArrayInputStream(bytes), "broadcast GrowNet model");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

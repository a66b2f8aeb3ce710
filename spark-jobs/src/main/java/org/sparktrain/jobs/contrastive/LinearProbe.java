package org.sparktrain.jobs.contrastive;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.NativeThreads;
import org.sparktrain.zoo.contrastive.ContrastiveEncoder;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Linear-probe evaluation of a contrastive encoder: the frozen encoder's representation f (projection head removed)
 * is computed on the executors for the training and test records (parameters broadcast, batches of 512), a
 * multinomial logistic regression (Spark MLlib, L-BFGS, standardised features, L2 penalty) is fitted on the
 * training features, and top-1 accuracy and the confusion matrix are measured on the test features.
 */
final class LinearProbe {
    private static final int BATCH = 512;
    static final StructType SCHEMA = new StructType()
            .add("label", DataTypes.DoubleType, false)
            .add("features", SQLDataTypes.VectorType(), false);

    private LinearProbe() {
    }

    /**
     * Probe result: top-1 accuracies, the number of records the probe was fitted on, and the test confusion matrix
     * (rows = true class, columns = predicted).
     */
    record Result(double trainAccuracy, double testAccuracy, long trainCount, long testCount, long[][] confusion) {
        double[] perClassAccuracy() {
            double[] acc = new double[confusion.length];
            for (int k = 0; k < acc.length; k++) {
                long n = 0;
                for (long v : confusion[k]) {
                    n += v;
                }
                acc[k] = n == 0 ? Double.NaN : (double) confusion[k][k] / n;
            }
            return acc;
        }
    }

    static Result run(SparkSession spark, Dataset<Row> train, Dataset<Row> test, ContrastiveFactory factory,
                      float[] params, int numClasses, ProbeConfig cfg) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> weights = jsc.broadcast(params);
        Dataset<Row> trainFeatures = null;
        Dataset<Row> testFeatures = null;
        try {
            trainFeatures = features(spark, train, factory, weights).cache();
            testFeatures = features(spark, test, factory, weights).cache();
            return fit(trainFeatures, testFeatures, numClasses, cfg);
        } finally {
            if (trainFeatures != null) {
                trainFeatures.unpersist();
            }
            if (testFeatures != null) {
                testFeatures.unpersist();
            }
            weights.destroy(false);
        }
    }

    /**
     * The probe itself on given features: fits the multinomial logistic regression on {@code trainFeatures} and
     * measures it on both sets. Both are {@link #SCHEMA} rows (label, feature vector); the caller caches them, as
     * they are read three times each (fit, two transforms).
     */
    static Result fit(Dataset<Row> trainFeatures, Dataset<Row> testFeatures, int numClasses, ProbeConfig cfg) {
        LogisticRegressionModel model = new LogisticRegression().setFamily("multinomial")
                .setMaxIter(cfg.maxIterations()).setRegParam(cfg.regParam()).setStandardization(true)
                .fit(trainFeatures);
        long[][] trainConfusion = confusion(model.transform(trainFeatures), numClasses);
        long[][] testConfusion = confusion(model.transform(testFeatures), numClasses);
        return new Result(accuracy(trainConfusion), accuracy(testConfusion), total(trainConfusion),
                total(testConfusion), testConfusion);
    }

    /** (label, f) rows: the encoder's representation of every record, computed on the executors. */
    static Dataset<Row> features(SparkSession spark, Dataset<Row> data, ContrastiveFactory factory,
                                 Broadcast<float[]> weights) {
        int d = factory.shape().size();
        JavaRDD<Row> rows = data.select(PreparedDataset.FEATURES, PreparedDataset.LABEL).javaRDD()
                .mapPartitions((Iterator<Row> it) -> {
                    NativeThreads.configure(0);
                    ContrastiveEncoder model = factory.newModel(DataType.FLOAT);
                    model.params().assign(Nd4j.createFromArray(weights.value()).reshape(1, model.numParams()));
                    List<Row> out = new ArrayList<>();
                    List<Row> batch = new ArrayList<>(BATCH);
                    while (it.hasNext()) {
                        batch.add(it.next());
                        if (batch.size() == BATCH || !it.hasNext()) {
                            encode(model, batch, d, out);
                            batch.clear();
                        }
                    }
                    return out.iterator();
                });
        return spark.createDataFrame(rows, SCHEMA);
    }

    private static void encode(ContrastiveEncoder model, List<Row> batch, int d, List<Row> out) {
        float[] x = new float[batch.size() * d];
        for (int r = 0; r < batch.size(); r++) {
            List<Float> f = batch.get(r).getList(0);
            for (int j = 0; j < d; j++) {
                x[r * d + j] = f.get(j);
            }
        }
        INDArray f = model.features(Nd4j.create(x, new long[]{batch.size(), d}, 'c'));
        double[][] rows = f.castTo(DataType.DOUBLE).toDoubleMatrix();
        for (int r = 0; r < rows.length; r++) {
            out.add(RowFactory.create((double) batch.get(r).getInt(1), Vectors.dense(rows[r])));
        }
    }

    private static long[][] confusion(Dataset<Row> predicted, int numClasses) {
        long[][] m = new long[numClasses][numClasses];
        for (Row r : predicted.groupBy("label", "prediction").count().collectAsList()) {
            m[(int) r.getDouble(0)][(int) r.getDouble(1)] = r.getLong(2);
        }
        return m;
    }

    private static double accuracy(long[][] confusion) {
        long correct = 0;
        for (int k = 0; k < confusion.length; k++) {
            correct += confusion[k][k];
        }
        long n = total(confusion);
        return n == 0 ? Double.NaN : (double) correct / n;
    }

    private static long total(long[][] confusion) {
        long n = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }
}

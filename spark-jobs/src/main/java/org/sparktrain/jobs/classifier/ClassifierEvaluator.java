package org.sparktrain.jobs.classifier;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.NativeThreads;
import org.sparktrain.zoo.ClassifierNetworks;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Distributed evaluation of a classifier on a prepared split: the parameters are broadcast, each partition
 * rebuilds the network once and predicts in batches, and the partial {@link ClassificationMetrics} are summed with
 * {@code treeReduce}; the data never goes to the driver.
 */
public final class ClassifierEvaluator {
    private static final int BATCH = 512;

    private ClassifierEvaluator() {
    }

    public static ClassificationMetrics evaluate(SparkSession spark, Dataset<Row> data, ClassifierFactory factory,
                                                 float[] params) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> weights = jsc.broadcast(params);
        int k = factory.numClasses();
        int d = factory.shape().size();
        try {
            return data.select("features", "label").javaRDD()
                    .mapPartitions((Iterator<Row> rows) -> {
                        NativeThreads.configure(0);
                        MultiLayerNetwork net = ClassifierNetworks.create(factory.model(), factory.shape(), k,
                                factory.seed());
                        net.setParams(Nd4j.createFromArray(weights.value()).reshape(1, weights.value().length));
                        ClassificationMetrics m = new ClassificationMetrics(k);
                        List<Row> batch = new ArrayList<>(BATCH);
                        while (rows.hasNext()) {
                            batch.add(rows.next());
                            if (batch.size() == BATCH || !rows.hasNext()) {
                                score(net, batch, d, k, m);
                                batch.clear();
                            }
                        }
                        return List.of(m).iterator();
                    })
                    .treeReduce(ClassificationMetrics::merge);
        } finally {
            weights.destroy(false);
        }
    }

    static void score(MultiLayerNetwork net, List<Row> batch, int d, int k, ClassificationMetrics m) {
        float[] x = new float[batch.size() * d];
        int[] labels = new int[batch.size()];
        for (int r = 0; r < batch.size(); r++) {
            List<Float> f = batch.get(r).getList(0);
            for (int j = 0; j < d; j++) {
                x[r * d + j] = f.get(j);
            }
            labels[r] = batch.get(r).getInt(1);
        }
        INDArray p = net.output(Nd4j.create(x, new long[]{batch.size(), d}, 'c'), false);
        float[] probs = p.dup('c').reshape(p.length()).toFloatVector();
        for (int r = 0; r < labels.length; r++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (probs[r * k + c] > probs[r * k + best]) {
                    best = c;
                }
            }
            double pTrue = Math.max(probs[r * k + labels[r]], 1e-12);
            m.add(labels[r], best, -Math.log(pTrue));
        }
    }
}

package org.sparktrain.jobs.moe;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.NativeThreads;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Distributed evaluation of an MoE model over a whole split (Spark), shared by {@link MoeEvaluator} (classifier)
 * and {@link MoeLmEvaluator} (language model): parameters and routing biases are broadcast, each partition builds
 * the model once and scores its rows in batches, and the per-partition vectors are summed with
 * {@code treeReduce}. Vector layout: tokens per expert per layer (L·N, layer-major: the loads of MaxVio_global),
 * then Σ cross-entropy, correct predictions, predictions.
 */
final class MoeSplitEvaluation {
    /** Builds the model with the given parameters (on an executor). */
    interface ModelLoader<M> extends Serializable {
        M load(float[] params);
    }

    /** Adds one batch's loads, Σ cross-entropy, hits and predictions into {@code out}. */
    interface BatchScorer<M> extends Serializable {
        void score(M model, double[][] bias, List<Row> batch, double[] out);
    }

    private MoeSplitEvaluation() {
    }

    static <M> MoeEvaluation evaluate(SparkSession spark, Dataset<Row> rows, MoeBalancingState state, float[] params,
                                      float[] bias, int batchSize, ModelLoader<M> loader, BatchScorer<M> scorer) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> weights = jsc.broadcast(params);
        Broadcast<float[]> routing = jsc.broadcast(bias);
        int size = state.loadsSize() + 3;
        try {
            double[] sum = rows.javaRDD()
                    .mapPartitions((Iterator<Row> it) -> {
                        NativeThreads.configure(0);
                        M model = loader.load(weights.value());
                        double[][] b = state.biases(routing.value());
                        double[] out = new double[size];
                        List<Row> batch = new ArrayList<>(batchSize);
                        while (it.hasNext()) {
                            batch.add(it.next());
                            if (batch.size() == batchSize || !it.hasNext()) {
                                scorer.score(model, b, batch, out);
                                batch.clear();
                            }
                        }
                        return List.of(out).iterator();
                    })
                    .treeReduce(MoeSplitEvaluation::add);
            int l = state.loadsSize();
            return new MoeEvaluation(Arrays.copyOf(sum, l), sum[l], sum[l + 1], sum[l + 2], state.layers(),
                    state.experts());
        } finally {
            weights.destroy(false);
            routing.destroy(false);
        }
    }

    /** The broadcast float parameters as the (1, P) double vector the models compute in. */
    static INDArray doubles(float[] params) {
        return Nd4j.createFromArray(params).castTo(DataType.DOUBLE).reshape(1, params.length);
    }

    /** Adds tokens per expert per layer (L, N) into the first L·N entries of {@code out}. */
    static void addLoads(long[][] counts, MoeBalancingState state, double[] out) {
        for (int l = 0; l < state.layers(); l++) {
            for (int i = 0; i < state.experts(); i++) {
                out[l * state.experts() + i] += counts[l][i];
            }
        }
    }

    static double[] add(double[] a, double[] b) {
        double[] c = a.clone();
        for (int i = 0; i < c.length; i++) {
            c[i] += b[i];
        }
        return c;
    }
}

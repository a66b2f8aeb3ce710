package org.sparktrain.jobs.moe;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.NativeThreads;
import org.sparktrain.zoo.moe.MoeLanguageModel;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Distributed validation of the MoE language model (Spark): parameters and routing biases are broadcast, each
 * partition rebuilds the model once and runs the forward pass over its windows in batches, and the per-partition
 * vectors (loads L·N, Σ cross-entropy, arg-max hits, predicted tokens) are summed with {@code treeReduce}. The
 * loads of the whole split give MaxVio_global; exp(Σ CE / tokens) is the validation perplexity.
 */
public final class MoeLmEvaluator {
    private static final int BATCH = 64;

    private MoeLmEvaluator() {
    }

    public static MoeEvaluation evaluate(SparkSession spark, Dataset<Row> windows, MoeLmFactory factory,
                                         float[] params, float[] bias) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> weights = jsc.broadcast(params);
        Broadcast<float[]> routing = jsc.broadcast(bias);
        MoeBalancingState state = factory.state();
        int size = state.loadsSize() + 3;
        try {
            double[] sum = windows.select(LmCorpus.TOKENS).javaRDD()
                    .mapPartitions((Iterator<Row> rows) -> {
                        NativeThreads.configure(0);
                        MoeLanguageModel model = factory.createModel();
                        model.params().assign(Nd4j.createFromArray(weights.value()).castTo(DataType.DOUBLE)
                                .reshape(1, weights.value().length));
                        double[][] b = state.biases(routing.value());
                        double[] out = new double[size];
                        List<int[]> batch = new ArrayList<>(BATCH);
                        while (rows.hasNext()) {
                            List<Float> f = rows.next().getList(0);
                            int[] w = new int[f.size()];
                            for (int j = 0; j < w.length; j++) {
                                w[j] = f.get(j).intValue();
                            }
                            batch.add(w);
                            if (batch.size() == BATCH || !rows.hasNext()) {
                                add(model.evaluate(batch.toArray(int[][]::new), b), state, out);
                                batch.clear();
                            }
                        }
                        return List.of(out).iterator();
                    })
                    .treeReduce(MoeEvaluator::add);
            int l = state.loadsSize();
            return new MoeEvaluation(java.util.Arrays.copyOf(sum, l), sum[l], sum[l + 1], sum[l + 2], state.layers(),
                    state.experts());
        } finally {
            weights.destroy(false);
            routing.destroy(false);
        }
    }

    static void add(MoeLanguageModel.Evaluation e, MoeBalancingState state, double[] out) {
        for (int l = 0; l < state.layers(); l++) {
            for (int i = 0; i < state.experts(); i++) {
                out[l * state.experts() + i] += e.counts()[l][i];
            }
        }
        int base = state.loadsSize();
        out[base] += e.ceSum();
        out[base + 1] += e.correct();
        out[base + 2] += e.tokens();
    }
}

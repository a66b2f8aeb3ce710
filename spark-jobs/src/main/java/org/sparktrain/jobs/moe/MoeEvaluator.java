package org.sparktrain.jobs.moe;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.NativeThreads;
import org.sparktrain.zoo.moe.MoeClassifier;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Distributed validation of an MoE classifier (Spark): parameters and routing biases are broadcast, each partition
 * rebuilds the model once and runs the forward pass in batches, and the per-partition vectors (loads L·N, Σ CE,
 * correct, count) are summed with {@code treeReduce}: MaxVio_global counts the loads of the whole split.
 */
public final class MoeEvaluator {
    private static final int BATCH = 512;

    private MoeEvaluator() {
    }

    public static MoeEvaluation evaluate(SparkSession spark, Dataset<Row> data, MoeClassifierFactory factory,
                                         float[] params, float[] bias) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> weights = jsc.broadcast(params);
        Broadcast<float[]> routing = jsc.broadcast(bias);
        MoeBalancingState state = factory.state();
        int size = state.loadsSize() + 3;
        try {
            double[] sum = data.select("features", "label").javaRDD()
                    .mapPartitions((Iterator<Row> rows) -> {
                        NativeThreads.configure(0);
                        MoeClassifier model = factory.createModel();
                        model.params().assign(Nd4j.createFromArray(weights.value()).castTo(DataType.DOUBLE)
                                .reshape(1, weights.value().length));
                        double[][] b = state.biases(routing.value());
                        double[] out = new double[size];
                        List<Row> batch = new ArrayList<>(BATCH);
                        while (rows.hasNext()) {
                            batch.add(rows.next());
                            if (batch.size() == BATCH || !rows.hasNext()) {
                                score(model, b, batch, factory.numInputs(), state, out);
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

    static void score(MoeClassifier model, double[][] bias, List<Row> batch, int d, MoeBalancingState state,
                      double[] out) {
        double[][] x = new double[batch.size()][d];
        int[] labels = new int[batch.size()];
        for (int r = 0; r < batch.size(); r++) {
            List<Float> f = batch.get(r).getList(0);
            for (int j = 0; j < d; j++) {
                x[r][j] = f.get(j);
            }
            labels[r] = batch.get(r).getInt(1);
        }
        MoeClassifier.Forward fwd = model.forward(Nd4j.createFromArray(x), bias);
        double[][] logits = fwd.logits().toDoubleMatrix();
        long[][] counts = fwd.counts();
        for (int l = 0; l < state.layers(); l++) {
            for (int i = 0; i < state.experts(); i++) {
                out[l * state.experts() + i] += counts[l][i];
            }
        }
        int base = state.loadsSize();
        for (int r = 0; r < labels.length; r++) {
            double m = Double.NEGATIVE_INFINITY;
            int best = 0;
            for (int c = 0; c < logits[r].length; c++) {
                if (logits[r][c] > m) {
                    m = logits[r][c];
                    best = c;
                }
            }
            double z = 0;
            for (double v : logits[r]) {
                z += Math.exp(v - m);
            }
            out[base] += -(logits[r][labels[r]] - m - Math.log(z));
            out[base + 1] += best == labels[r] ? 1 : 0;
            out[base + 2] += 1;
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

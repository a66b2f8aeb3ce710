package org.sparktrain.jobs.moe;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.zoo.moe.MoeClassifier;

import java.util.List;

/**
 * Distributed validation of an MoE classifier ({@link MoeSplitEvaluation}: broadcast, per-partition batches,
 * {@code treeReduce}): accuracy, mean cross-entropy and the loads of the whole split for MaxVio_global.
 */
public final class MoeEvaluator {
    private static final int BATCH = 512;

    private MoeEvaluator() {
    }

    public static MoeEvaluation evaluate(SparkSession spark, Dataset<Row> data, MoeClassifierFactory factory,
                                         float[] params, float[] bias) {
        MoeBalancingState state = factory.state();
        int d = factory.numInputs();
        return MoeSplitEvaluation.evaluate(spark, data.select("features", "label"), state, params, bias, BATCH,
                p -> {
                    MoeClassifier model = factory.createModel();
                    model.params().assign(MoeSplitEvaluation.doubles(p));
                    return model;
                },
                (model, b, batch, out) -> score(model, b, batch, d, state, out));
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
        MoeSplitEvaluation.addLoads(fwd.counts(), state, out);
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
}

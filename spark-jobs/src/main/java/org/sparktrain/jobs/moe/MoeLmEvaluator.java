package org.sparktrain.jobs.moe;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.zoo.moe.MoeLanguageModel;

import java.util.List;

/**
 * Distributed validation of the MoE language model ({@link MoeSplitEvaluation}: broadcast, per-partition batches
 * of windows, {@code treeReduce}): the loads of the whole split give MaxVio_global; exp(Σ CE / predicted tokens)
 * is the validation perplexity.
 */
public final class MoeLmEvaluator {
    private static final int BATCH = 64;

    private MoeLmEvaluator() {
    }

    public static MoeEvaluation evaluate(SparkSession spark, Dataset<Row> windows, MoeLmFactory factory,
                                         float[] params, float[] bias) {
        MoeBalancingState state = factory.state();
        return MoeSplitEvaluation.evaluate(spark, windows.select(LmCorpus.TOKENS), state, params, bias, BATCH,
                p -> {
                    MoeLanguageModel model = factory.createModel();
                    model.params().assign(MoeSplitEvaluation.doubles(p));
                    return model;
                },
                (model, b, batch, out) -> add(model.evaluate(windows(batch), b), state, out));
    }

    static int[][] windows(List<Row> batch) {
        int[][] out = new int[batch.size()][];
        for (int r = 0; r < out.length; r++) {
            List<Float> f = batch.get(r).getList(0);
            out[r] = new int[f.size()];
            for (int j = 0; j < out[r].length; j++) {
                out[r][j] = f.get(j).intValue();
            }
        }
        return out;
    }

    static void add(MoeLanguageModel.Evaluation e, MoeBalancingState state, double[] out) {
        MoeSplitEvaluation.addLoads(e.counts(), state, out);
        int base = state.loadsSize();
        out[base] += e.ceSum();
        out[base + 1] += e.correct();
        out[base + 2] += e.tokens();
    }
}

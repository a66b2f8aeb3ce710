package org.sparktrain.jobs.grownet;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.zoo.grownet.GrowNetModel;
import org.sparktrain.zoo.grownet.Reducer;
import org.sparktrain.zoo.grownet.WeakLearner;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Recomputes the BatchNorm running statistics of an ensemble's last learners at their current parameters ("precise
 * BatchNorm"), for optimizers that evaluate at another point than they train at (Schedule-Free's averaged x, DoG's
 * average x̄): the running statistics the engine collects during a phase belong to the training point y, and the
 * Schedule-Free paper's README asks to recompute them at x before evaluating or saving.
 *
 * <p>One Spark pass over the prepared rows (the model is broadcast): per block of {@value #BLOCK} rows, learners
 * {@code [0, from)} run in eval mode (their running statistics, as in a stage fit's precomputed φ), learners
 * {@code [from, K)} in train mode with the block's own batch statistics (single machine, {@link Reducer#LOCAL}), and
 * every BatchNorm layer's Σz, Σz² and the row count are summed over all blocks and partitions. The running statistics
 * become the population ones: μ = Σz/N, σ² = (Σz²/N − μ²)·N/(N − 1) (unbiased, as the momentum update's). For a
 * layer whose input does not depend on earlier BatchNorm layers of the same pass (a first learner's BN1, a stacked
 * learner's input BN0) these are exact; deeper layers see block statistics upstream, as in training. With record
 * weights c_i (column {@code w}) the blocks run with weighted batch statistics and the sums are Σc·z, Σc·z² and
 * N = Σc, as for the rows repeated c_i times.
 */
final class PreciseBatchNorm {
    static final int BLOCK = 1024;

    private PreciseBatchNorm() {
    }

    /**
     * Sets the running statistics of learners {@code from..K−1} of {@code model} in place.
     *
     * @param prepared rows (id, x: array&lt;float&gt; standardised, y)
     */
    static void recompute(SparkSession spark, Dataset<Row> prepared, GrowNetModel model, int from) {
        recompute(spark, prepared, model, from, false);
    }

    /** The same; {@code weighted}: the rows carry record weights in column {@code w}. */
    static void recompute(SparkSession spark, Dataset<Row> prepared, GrowNetModel model, int from,
                          boolean weighted) {
        int learners = model.numLearners();
        if (from < 0 || from >= learners) {
            throw new IllegalArgumentException("learner index " + from + " outside 0.." + (learners - 1));
        }
        int sums = 0;
        for (int j = from; j < learners; j++) {
            sums += model.learner(j).batchNormSumsLength();
        }
        int size = sums + 1;
        int d = model.inputs();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> bytes = jsc.broadcast(EnsembleColumns.bytes(model));
        double[] total;
        try {
            Dataset<Row> columns = weighted ? prepared.select(StageTrainable.X, StageTrainable.W)
                    : prepared.select(StageTrainable.X);
            total = columns.javaRDD().mapPartitions((Iterator<Row> it) -> {
                GrowNetModel m = EnsembleColumns.read(bytes.value());
                double[] acc = new double[size];
                List<Row> block = new ArrayList<>(BLOCK);
                while (it.hasNext()) {
                    block.add(it.next());
                    if (block.size() == BLOCK || !it.hasNext()) {
                        accumulate(m, block, d, from, acc);
                        block.clear();
                    }
                }
                return List.of(acc).iterator();
            }).treeReduce(PreciseBatchNorm::add);
        } finally {
            bytes.destroy(false);
        }
        double n = total[sums];
        if (n < 2) {
            throw new IllegalArgumentException("precise BatchNorm needs at least 2 rows (weight sum), got " + n);
        }
        int o = 0;
        for (int j = from; j < learners; j++) {
            WeakLearner w = model.learner(j);
            double[] running = w.running();
            int r = 0;
            for (int width : w.batchNormWidths()) { // sums: Σz (width), Σz² (width); running: μ (width), σ² (width)
                for (int c = 0; c < width; c++) {
                    double mu = total[o + c] / n;
                    double biased = Math.max(0, total[o + width + c] / n - mu * mu);
                    running[r + c] = mu;
                    running[r + width + c] = biased * n / (n - 1);
                }
                o += 2 * width;
                r += 2 * width;
            }
        }
    }

    private static void accumulate(GrowNetModel m, List<Row> block, int d, int from, double[] acc) {
        int rows = block.size();
        double[] x = new double[rows * d];
        for (int i = 0; i < rows; i++) {
            List<Object> v = block.get(i).getList(0);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = ((Number) v.get(j)).doubleValue();
            }
        }
        double[] c = null;
        if (block.get(0).length() > 1) { // weighted rows (x, w)
            c = new double[rows];
            for (int i = 0; i < rows; i++) {
                c[i] = block.get(i).getFloat(1);
            }
        }
        double[] phi = null;
        int o = 0;
        for (int j = 0; j < m.numLearners(); j++) {
            WeakLearner w = m.learner(j);
            if (j < from) {
                phi = w.forwardEval(x, phi, rows).phi();
            } else {
                WeakLearner.Pass p = w.forwardTrain(x, phi, rows, Reducer.LOCAL, c);
                double[] s = p.batchNormSums();
                for (int i = 0; i < s.length; i++) {
                    acc[o + i] += s[i];
                }
                o += s.length;
                phi = p.phi();
            }
        }
        acc[acc.length - 1] += c == null ? rows : StageTrainable.sum(c);
    }

    private static double[] add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }
}

package org.sparktrain.jobs.grownet;

import org.sparktrain.engine.Batch;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.zoo.grownet.GrowNetTask;
import org.sparktrain.zoo.grownet.ObjectiveResult;
import org.sparktrain.zoo.grownet.PairwiseRankNet;
import org.sparktrain.zoo.grownet.StageObjective;
import org.sparktrain.zoo.grownet.WeakLearner;

/**
 * The engine's view of GrowNet's stage-k fit ({@link StageObjective}): the parameters are the new learner's, α is
 * frozen, and every record carries the previous ensemble's eval-mode score F_{k−1} ({@code score}) and penultimate
 * features φ_{k−1} ({@code phi}, k &gt; 1), computed in one pass over the data before the stage. Per row the
 * Newton (or first-order) target and weight come from (y, F). L2 weight decay λ (PyTorch Adam's
 * {@code weight_decay}) is added as λ·rows·θ to the summed gradient, so the engine's mean gradient carries λθ.
 * Data: {@code x} (d standardised features), {@code y} (canonical label). For {@link GrowNetTask#RANKING} every
 * record is one whole query ({@link QueryPacking}); the targets come from {@link PairwiseRankNet} over each query's
 * documents and the engine weight is the number of documents, so the stage loss is the mean over documents as in
 * the reference code.
 * With record weights ({@code GrowNetParams.weightCol}), every record also carries c_i ({@code w}): the loss is
 * Σ c_i h_i (α f_k − ỹ_i)² and BatchNorm uses the weighted batch statistics ({@link StageObjective}); the running
 * statistics get the weighted sums and N = Σ c_i. The engine weight stays the row count.
 */
final class StageTrainable extends DoubleObjectiveTrainable {
    static final String X = "x";
    static final String Y = "y";
    static final String SCORE = "score";
    static final String PHI = "phi";
    /** The record weight column (c_i) of weighted fits. */
    static final String W = "w";

    private final Factory spec;
    private final WeakLearner learner;

    private StageTrainable(Factory spec, WeakLearner learner) {
        super(learner.params(), tensorsOf(learner));
        this.spec = spec;
        this.learner = learner;
    }

    private static org.sparktrain.zoo.ParamTensors tensorsOf(WeakLearner learner) {
        org.sparktrain.zoo.ParamTensors t = new org.sparktrain.zoo.ParamTensors();
        learner.tensors("learner", t);
        return t;
    }

    @Override
    public StepResult computeGradient(Batch batch, StepContext context) {
        double[] theta = theta();
        System.arraycopy(theta, 0, learner.params(), 0, theta.length);
        int rows;
        double[] x;
        double[] phi;
        double[] target;
        double[] weight;
        double[] recordWeights = null;
        if (spec.queryWidth > 0) { // learning to rank: whole queries packed one per record
            String[] cols = spec.stacked ? new String[]{X, Y, SCORE, PHI} : new String[]{X, Y, SCORE};
            int[] widths = spec.stacked ? new int[]{spec.inputs, 1, 1, spec.hidden} : new int[]{spec.inputs, 1, 1};
            QueryPacking.Unpacked u = QueryPacking.unpack(batch, spec.queryWidth, cols, widths);
            rows = u.rows();
            x = u.columns().get(0);
            phi = spec.stacked ? u.columns().get(3) : null;
            target = new double[rows];
            weight = new double[rows];
            PairwiseRankNet.targets(u.columns().get(2), u.columns().get(1), u.starts(), spec.secondOrder, target,
                    weight);
        } else {
            rows = batch.size();
            x = RunningStatistics.toDoubles(batch.rows(X));
            float[] y = batch.rows(Y);
            float[] score = batch.rows(SCORE);
            phi = spec.stacked ? RunningStatistics.toDoubles(batch.rows(PHI)) : null;
            target = new double[rows];
            weight = new double[rows];
            for (int i = 0; i < rows; i++) {
                GrowNetTask.Target t = spec.task.target(y[i], score[i], spec.secondOrder);
                target[i] = t.target();
                weight[i] = t.weight();
            }
            if (spec.weighted) {
                recordWeights = RunningStatistics.toDoubles(batch.rows(W));
            }
        }
        ObjectiveResult r = StageObjective.compute(learner, spec.boostRate, x, phi, rows, target, weight,
                new CollectiveReducer(context.collective(), context.step()), recordWeights);
        return finish(r, theta, spec.l2, rows, theta.length, spec.runningStatistics(), context,
                recordWeights == null ? rows : sum(recordWeights));
    }

    static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    /** Everything a worker needs to build the stage's learner; the seed fixes its initialisation everywhere. */
    static final class Factory implements TrainableFactory {
        final GrowNetTask task;
        final int inputs;
        final int hidden;
        final boolean stacked;
        final long seed;
        final double boostRate;
        final boolean secondOrder;
        final double l2;
        final int queryWidth;
        final boolean xavier;
        final boolean weighted;
        private final RunningStatistics running;

        /**
         * @param queryWidth K, documents per packed query record for {@link GrowNetTask#RANKING}; 0 otherwise
         * @param weighted   records carry a weight c_i in column {@link #W}
         */
        Factory(GrowNetTask task, int inputs, int hidden, boolean stacked, long seed, double boostRate,
                boolean secondOrder, double l2, int queryWidth, boolean weighted) {
            this.task = task;
            this.inputs = inputs;
            this.hidden = hidden;
            this.stacked = stacked;
            this.seed = seed;
            this.boostRate = boostRate;
            this.secondOrder = secondOrder;
            this.l2 = l2;
            this.queryWidth = queryWidth;
            this.xavier = task == GrowNetTask.RANKING; // the reference code's L2R initialisation
            this.weighted = weighted;
            if ((task == GrowNetTask.RANKING) != (queryWidth > 0)) {
                throw new IllegalArgumentException("packed query records are for the ranking task only");
            }
            if (weighted && queryWidth > 0) {
                throw new IllegalArgumentException("the ranking task takes no record weights");
            }
            WeakLearner fresh = WeakLearner.create(inputs, hidden, stacked, seed, xavier);
            this.running = new RunningStatistics(inputs, hidden, new boolean[]{stacked}, fresh.running());
        }

        RunningStatistics runningStatistics() {
            return running;
        }

        @Override
        public Trainable create() {
            return new StageTrainable(this, WeakLearner.create(inputs, hidden, stacked, seed, xavier));
        }

        @Override
        public String cacheKey() {
            return "grownet-stage-" + inputs + "-" + hidden + "-" + stacked + "-" + seed + "-" + boostRate + "-"
                    + secondOrder + "-" + l2 + "-" + task + "-" + queryWidth + (weighted ? "-weighted" : "");
        }
    }
}

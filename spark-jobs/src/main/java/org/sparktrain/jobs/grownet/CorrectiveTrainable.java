package org.sparktrain.jobs.grownet;

import org.sparktrain.engine.Batch;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.zoo.grownet.CorrectiveObjective;
import org.sparktrain.zoo.grownet.GrowNetModel;
import org.sparktrain.zoo.grownet.ObjectiveResult;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The engine's view of GrowNet's fully corrective step ({@link CorrectiveObjective}): the parameters are every
 * learner's plus α ({@link GrowNetModel#flatParams()}), the loss is the task loss of the ensemble on (x, y), all
 * learners in train mode with synchronised BatchNorm. L2 weight decay λ is added as λ·weight·θ (not on a constant
 * α), weight = the engine weight of the batch. For the ranking task each record is one whole query
 * ({@link QueryPacking}), the loss is the RankNet loss summed over the batch's queries and the weight is the number
 * of queries (the reference code's per-query average). With record weights (column {@code w}) the loss is
 * Σ c_i l(y_i, F(x_i)) with weighted BatchNorm statistics ({@link CorrectiveObjective}); the engine weight stays the
 * row count.
 */
final class CorrectiveTrainable extends DoubleObjectiveTrainable {
    private final Factory spec;
    private final GrowNetModel model;

    private CorrectiveTrainable(Factory spec, GrowNetModel model) {
        super(model.flatParams(), model.tensors());
        this.spec = spec;
        this.model = model;
    }

    @Override
    public StepResult computeGradient(Batch batch, StepContext context) {
        double[] theta = theta();
        model.setFlatParams(theta);
        int rows;
        double[] x;
        double[] y;
        int[] starts = null;
        double weight;
        if (spec.queryWidth > 0) { // learning to rank: whole queries packed one per record
            QueryPacking.Unpacked u = QueryPacking.unpack(batch, spec.queryWidth,
                    new String[]{StageTrainable.X, StageTrainable.Y}, new int[]{model.inputs(), 1});
            rows = u.rows();
            x = u.columns().get(0);
            y = u.columns().get(1);
            starts = u.starts();
            weight = batch.size(); // queries: the RankNet loss averaged per query
        } else {
            rows = batch.size();
            x = RunningStatistics.toDoubles(batch.rows(StageTrainable.X));
            y = RunningStatistics.toDoubles(batch.rows(StageTrainable.Y));
            weight = rows;
        }
        double[] recordWeights = spec.weighted ? RunningStatistics.toDoubles(batch.rows(StageTrainable.W)) : null;
        ObjectiveResult r = CorrectiveObjective.compute(model, x, y, rows, starts, spec.learnBoostRate,
                new CollectiveReducer(context.collective(), context.step()), recordWeights);
        int decayed = spec.learnBoostRate ? theta.length : theta.length - 1; // α (last) is not decayed when constant
        return finish(r, theta, spec.l2, weight, decayed, spec.runningStatistics(), context,
                recordWeights == null ? rows : StageTrainable.sum(recordWeights));
    }

    /** Carries the ensemble (serialised) to the workers. */
    static final class Factory implements TrainableFactory {
        private final byte[] modelBytes;
        private final String key;
        final boolean learnBoostRate;
        final double l2;
        final int queryWidth;
        final boolean weighted;
        private final RunningStatistics running;

        /**
         * @param queryWidth K, documents per packed query record for the ranking task; 0 otherwise
         * @param weighted   records carry a weight c_i in column {@code w}
         */
        Factory(GrowNetModel model, boolean learnBoostRate, double l2, int queryWidth, boolean weighted) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                model.write(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.modelBytes = out.toByteArray();
            this.learnBoostRate = learnBoostRate;
            this.l2 = l2;
            this.queryWidth = queryWidth;
            this.weighted = weighted;
            if (weighted && queryWidth > 0) {
                throw new IllegalArgumentException("the ranking task takes no record weights");
            }
            boolean[] stacked = new boolean[model.numLearners()];
            for (int k = 0; k < stacked.length; k++) {
                stacked[k] = model.learner(k).stacked();
            }
            this.running = new RunningStatistics(model.inputs(), model.hidden(), stacked, model.flatRunning());
            this.key = "grownet-corrective-" + java.util.Arrays.hashCode(modelBytes) + "-" + learnBoostRate + "-" + l2 + "-" + queryWidth + (weighted ? "-weighted" : "");
        }

        GrowNetModel model() {
            try {
                return GrowNetModel.read(new ByteArrayInputStream(modelBytes), "corrective step");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        RunningStatistics runningStatistics() {
            return running;
        }

        @Override
        public Trainable create() {
            return new CorrectiveTrainable(this, model());
        }

        @Override
        public String cacheKey() {
            return key;
        }
    }
}

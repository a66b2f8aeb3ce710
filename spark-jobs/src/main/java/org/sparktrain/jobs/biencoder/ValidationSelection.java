package org.sparktrain.jobs.biencoder;

import org.sparktrain.engine.EngineState;
import org.sparktrain.engine.TrainingListener;

import java.util.ArrayList;
import java.util.List;

/**
 * Validation-based model selection ({@link BiencoderSelectionConfig}, {@code validation-ndcg10}): a listener that
 * scores the optimizer's evaluation point ({@link EngineState#evalParams()}: Schedule-Free's x, DoG's x̄, else the
 * parameters) at every checkpoint and epoch end of the engine, records the curve (step, score) and keeps a copy of
 * the best parameters. The best is the highest score; a tie keeps the earlier step. The start (step 0) is not a
 * candidate: the selected model is always a trained one.
 */
public final class ValidationSelection implements TrainingListener {
    /** One evaluated point. */
    public record Point(long step, double score) {
    }

    /** Scores parameters (higher is better), e.g. nDCG@10 of the validation queries. */
    public interface Scorer {
        double score(float[] params);
    }

    /** Called after every evaluation with the point and whether it became the best. */
    public interface Observer {
        void evaluated(Point point, boolean best, ValidationSelection selection);
    }

    private final Scorer scorer;
    private final Observer observer;
    private final List<Point> curve = new ArrayList<>();
    private long bestStep = -1;
    private double bestScore = Double.NEGATIVE_INFINITY;
    private float[] bestParams;

    public ValidationSelection(Scorer scorer, Observer observer) {
        this.scorer = scorer;
        this.observer = observer == null ? (p, b, s) -> {
        } : observer;
    }

    /** Continues a resumed run: the curve so far and the best parameters (of the curve's best point). */
    public void restore(List<Point> previous, float[] previousBest) {
        curve.clear();
        bestStep = -1;
        bestScore = Double.NEGATIVE_INFINITY;
        bestParams = null;
        for (Point p : previous) {
            curve.add(p);
            if (p.score() > bestScore) {
                bestScore = p.score();
                bestStep = p.step();
            }
        }
        bestParams = bestStep < 0 ? null : previousBest.clone();
    }

    @Override
    public void onCheckpoint(EngineState state, String path) {
        long step = state.globalStep();
        if (!curve.isEmpty() && curve.get(curve.size() - 1).step() >= step) {
            return; // already evaluated (a resumed run's first checkpoint)
        }
        Point p = new Point(step, scorer.score(state.evalParams()));
        curve.add(p);
        boolean best = p.score() > bestScore;
        if (best) {
            bestScore = p.score();
            bestStep = step;
            bestParams = state.evalParams().clone();
        }
        observer.evaluated(p, best, this);
    }

    public List<Point> curve() {
        return List.copyOf(curve);
    }

    /** The selected step, or -1 before the first evaluation. */
    public long bestStep() {
        return bestStep;
    }

    public double bestScore() {
        return bestScore;
    }

    /** A copy of the selected parameters. */
    public float[] bestParams() {
        if (bestParams == null) {
            throw new IllegalStateException("no point was evaluated (no checkpoint or epoch end was reached)");
        }
        return bestParams.clone();
    }
}

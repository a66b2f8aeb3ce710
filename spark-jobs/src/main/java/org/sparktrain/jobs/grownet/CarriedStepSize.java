package org.sparktrain.jobs.grownet;

import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.optim.FlatOptimizer;
import org.sparktrain.engine.optim.TensorLayout;

/**
 * Carries the step-size estimate d of D-Adaptation (dadapt-adam, dadapt-sgd) and Prodigy from one GrowNet phase to
 * the next phase of the same kind, instead of restarting every phase from d0 = 1e-6.
 *
 * <p>Why: GrowNet runs every stage fit and every corrective step as a new engine run with a fresh optimizer, each
 * only a few dozen steps long. These rules grow d from d0 towards D = ‖x0 − x*‖ (d is a lower bound on D that never
 * decreases), so every phase spends its first steps at a far too small step. The stage fits of consecutive stages
 * solve problems of the same shape (a freshly initialised learner of the same architecture fitted to Newton
 * targets of the same loss), and consecutive corrective steps fine-tune the same growing ensemble, so the d one
 * phase reached is a good starting estimate for the next phase of its kind: the next run starts with d0 = that d.
 * Its own estimate may still grow from there (d ← max(d, d̂) and the running maximum d_max start at the carried
 * value), but not shrink: an overestimate carried over is not corrected, which D-Adaptation's guarantee (d ≤ D)
 * does not cover. Stage fits and corrective steps keep separate estimates (different parameters: one new learner
 * vs. all learners and α).
 */
final class CarriedStepSize {
    private CarriedStepSize() {
    }

    /** Whether the rule starts its step-size estimate from a {@code d0} (dadapt-adam, dadapt-sgd, prodigy). */
    static boolean applies(OptimizerConfig optimizer) {
        return optimizer.d0() != null;
    }

    /**
     * The estimate d at the end of a run with {@code optimizer}, read from its final optimizer state (GrowNet's
     * trainables use one tensor layout over the flat vector, so the state's layout is rebuilt exactly).
     */
    static double finalEstimate(OptimizerConfig optimizer, TrainingResult result) {
        int n = result.state().params().length;
        FlatOptimizer o = optimizer.create(n, TensorLayout.single(n), 1);
        o.setState(result.state().updaterState());
        Double d = o.scalars().get("d");
        if (d == null) {
            throw new IllegalStateException("optimizer '" + optimizer.type() + "' has no step-size estimate d");
        }
        return d;
    }

    /** {@code optimizer} with its initial estimate d0 replaced by {@code d} (every other setting unchanged). */
    static OptimizerConfig startingFrom(OptimizerConfig o, double d) {
        return new OptimizerConfig(o.type(), o.learningRate(), o.beta1(), o.beta2(), o.epsilon(), o.momentum(),
                o.schedule(), o.warmupSteps(), o.weightDecay(), o.decoupledWeightDecay(), o.biasCorrection(), d,
                o.dCoef(), o.growthRate(), o.beta3(), o.safeguardWarmup(), o.weightStepPower(), o.weightLrPower(),
                o.initEta() != null ? null : o.repsRel(), o.initEta(), o.averagingGamma(), o.sliceP());
    }
}

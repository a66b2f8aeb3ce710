package org.sparktrain.engine;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every learning-rate-free optimizer reaches the closed-form optimum of a least-squares problem (300 points, 5
 * features and an intercept, noise 0.5) at its defaults, full batch, constant schedule, on two problems whose
 * solutions differ 10x in scale: the same settings work at both scales, which a fixed learning rate does not (the
 * test shows Adam at its default 1e-3 far from the optimum in the same budget). Schedule-Free methods still have a
 * learning rate: they are checked at their defaults on the problem at the scale of network weights (coefficients
 * ~0.3), which their default rates are meant for.
 */
class ConvexConvergenceTest {
    static final List<String> LR_FREE = List.of("dadapt-adam", "dadapt-sgd", "prodigy", "dog", "ldog");
    static final double TOLERANCE = 1e-6;

    @BeforeAll
    static void oneThread() {
        NativeThreads.configure(1); // tiny vectors: ND4J's thread pool only adds overhead
    }

    /** (loss − optimum) / optimum at the optimizer's evaluation point after {@code steps} full-batch steps. */
    static double gap(LeastSquares problem, String type, int steps) {
        double optimum = problem.loss(problem.optimum);
        double loss = problem.train(OptimizerConfig.defaults(type).create(problem.numParams(), problem.layout(), steps),
                steps);
        return (loss - optimum) / optimum;
    }

    @Test
    void learningRateFreeOptimizersReachTheOptimumAtTwoScalesWithTheirDefaults() {
        for (double scale : new double[]{0.3, 3}) {
            LeastSquares problem = new LeastSquares(300, 5, 3, 0.5, scale);
            for (String type : LR_FREE) {
                double gap = gap(problem, type, 1000);
                assertTrue(gap >= -1e-12 && gap < TOLERANCE, type + " at coefficient scale " + scale
                        + ": relative loss gap " + gap);
            }
            if (scale == 3) {
                double adam = gap(problem, "adam", 1000);
                assertTrue(adam > 1, "adam at lr 1e-3 needs tuning here: gap " + adam);
            }
        }
    }

    @Test
    void scheduleFreeOptimizersReachTheOptimumAtTheirDefaults() {
        LeastSquares problem = new LeastSquares(300, 5, 3, 0.5, 0.3);
        double sgd = gap(problem, "schedule-free-sgd", 1000);
        assertTrue(sgd >= -1e-12 && sgd < TOLERANCE, "schedule-free-sgd: relative loss gap " + sgd);
        double adamw = gap(problem, "schedule-free-adamw", 3000);
        assertTrue(adamw >= -1e-12 && adamw < 1e-5, "schedule-free-adamw: relative loss gap " + adamw);
    }
}

package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 4-parameter problem of the step-by-step optimizer tests: f(x) = ½ (x − b)ᵀ A (x − b) · scale with a coupled
 * SPD matrix A, so every gradient entry depends on every parameter, plus helpers that run a production
 * {@link FlatOptimizer} on it and compare with the double-precision references written in each test.
 */
final class TinyProblem {
    static final double[][] A = {
            {2.0, 0.3, 0.0, 0.1},
            {0.3, 1.0, 0.2, 0.0},
            {0.0, 0.2, 0.5, 0.05},
            {0.1, 0.0, 0.05, 3.0}};
    static final double[] B = {1.0, -2.0, 0.5, 1.5};
    static final double[] X0 = {0.2, 0.4, -0.3, 0.8};
    static final int N = 4;
    /** Two "tensors" for L-DoG: entries [0, 2) and [2, 4). */
    static final TensorLayout TWO_TENSORS = new TensorLayout(List.of("W", "b"), new long[]{0, 2}, new long[]{2, 2});

    private TinyProblem() {
    }

    /** ∇f(x) = scale · A (x − b), in double. */
    static double[] gradient(double[] x, double scale) {
        double[] g = new double[N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                g[i] += scale * A[i][j] * (x[j] - B[j]);
            }
        }
        return g;
    }

    static double[] copy(double[] x) {
        return x.clone();
    }

    static ISchedule lr(double value) {
        return new FixedSchedule(value);
    }

    static INDArray floats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return Nd4j.createFromArray(f);
    }

    static double[] doubles(INDArray a) {
        float[] f = a.reshape(a.length()).toFloatVector();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** What a production optimizer did on the problem: x, the evaluation point and the scalars after each step. */
    record Trajectory(List<double[]> x, List<double[]> eval, List<Map<String, Double>> scalars) {
        double scalar(int step, String name) {
            return scalars.get(step).get(name);
        }
    }

    /** Runs {@code steps} production steps from {@link #X0} with the gradient computed in double at the float x. */
    static Trajectory run(FlatOptimizer opt, double scale, int steps) {
        return run(opt, X0, scale, steps, 0);
    }

    static Trajectory run(FlatOptimizer opt, double[] start, double scale, int steps, long firstIteration) {
        INDArray x = floats(start);
        Trajectory t = new Trajectory(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int k = 0; k < steps; k++) {
            INDArray g = floats(gradient(doubles(x), scale));
            opt.step(x, g, firstIteration + k, 0);
            t.x().add(doubles(x));
            t.eval().add(doubles(opt.evalParams(x)));
            t.scalars().add(opt.scalars());
        }
        return t;
    }

    /**
     * Steps {@code ref} from {@link #X0} with the exact gradient beside the production trajectory {@code t} for
     * {@code steps} steps: after every step x agrees to 2e-6 (float rounding) and every named scalar to its relative
     * tolerance ({@link #assertRelative}).
     */
    static void assertFollows(ReferenceOptimizer ref, Trajectory t, int steps, Map<String, Double> scalarTolerances,
                              String label) {
        double[] x = copy(X0);
        for (int k = 0; k < steps; k++) {
            ref.step(x, gradient(x, 1));
            String at = label + " step " + k;
            assertClose(x, t.x().get(k), 2e-6, "x " + at);
            Map<String, Double> expected = ref.scalars();
            for (Map.Entry<String, Double> s : scalarTolerances.entrySet()) {
                assertRelative(expected.get(s.getKey()), t.scalar(k, s.getKey()), s.getValue(), s.getKey() + " " + at);
            }
        }
    }

    /**
     * The invariants of the D-Adaptation family (D-Adapt SGD / Adam, Prodigy) on the production optimizer over
     * {@code steps} steps from {@link #X0}: the distance estimate d (scalar {@code d}) never decreases from
     * {@code d0}, and a loss scaled by 10 leaves d and x unchanged (relative 1e-4: float rounding of 10·g differs from
     * g's; a rule that is not scale-free would differ by O(1)). Returns the last d.
     */
    static double assertDNeverDecreasesAndScaleFree(Supplier<FlatOptimizer> optimizer, double d0, int steps) {
        Trajectory one = run(optimizer.get(), 1, steps);
        Trajectory ten = run(optimizer.get(), 10, steps);
        double previous = d0;
        for (int k = 0; k < steps; k++) {
            double d = one.scalar(k, "d");
            assertTrue(d >= previous, "d decreased at step " + k + ": " + previous + " -> " + d);
            previous = d;
            assertRelative(d, ten.scalar(k, "d"), 1e-4, "d with loss x10 at step " + k);
            assertClose(one.x().get(k), ten.x().get(k), 1e-4, "x with loss x10 at step " + k);
        }
        return previous;
    }

    /**
     * The same scale invariance on two references in exact arithmetic: with the loss x1 and x10 they agree in x and
     * d to round-off (1e-9) over {@code steps} steps from {@link #X0}.
     */
    static void assertReferenceScaleFree(Supplier<ReferenceOptimizer> reference, int steps) {
        ReferenceOptimizer r1 = reference.get();
        ReferenceOptimizer r10 = reference.get();
        double[] x1 = copy(X0);
        double[] x10 = copy(X0);
        for (int k = 0; k < steps; k++) {
            r1.step(x1, gradient(x1, 1));
            r10.step(x10, gradient(x10, 10));
            assertClose(x1, x10, 1e-9, "reference x with loss x10 at step " + k);
            assertRelative(r1.scalars().get("d"), r10.scalars().get("d"), 1e-9, "reference d with loss x10 at step " + k);
        }
    }

    /** |actual − expected| ≤ tol · max(1, |expected|) entry by entry. */
    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    /** |actual − expected| ≤ tol · |expected| (relative; for scalars such as d and N). */
    static void assertRelative(double expected, double actual, double tol, String what) {
        assertEquals(expected, actual, tol * Math.abs(expected) + 1e-300, what);
    }

    /** ‖x − X0‖, to make sure a compared step is not negligible. */
    static double moved(double[] x) {
        double s = 0;
        for (int i = 0; i < N; i++) {
            s += (x[i] - X0[i]) * (x[i] - X0[i]);
        }
        return Math.sqrt(s);
    }
}

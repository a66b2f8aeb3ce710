package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

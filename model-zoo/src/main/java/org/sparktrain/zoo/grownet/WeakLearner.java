package org.sparktrain.zoo.grownet;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * GrowNet's weak learner {@code MLP_2HL}: a two-hidden-layer MLP with hidden width H, forward and backward written by
 * hand in double precision on plain Java arrays ({@link Dense}); matrices are row-major {@code double[]}.
 *
 * <pre>
 *   z  = x                              (learner 1, d inputs)
 *   z  = BN0([x ; φ_prev])              (learner k &gt; 1, d + H inputs; φ_prev = previous learner's φ)
 *   a  = BN1(LeakyReLU_0.1(z W1 + b1))  (B, H)
 *   φ  = a W2 + b2                      (B, H)   pre-activation penultimate features, passed to the next learner
 *   f  = ReLU(φ) w_out + b_out          (B, 1)
 * </pre>
 * Shapes: x (B, d), W1 (in, H), W2 (H, H), w_out (H, 1). Flat parameter layout (doubles, row-major):
 * W1, b1, γ1, β1, W2, b2, w_out, b_out, then γ0, β0 (in) for a stacked learner. Running BatchNorm statistics
 * (not parameters): μ1, σ²1 (H), then μ0, σ²0 (in) for a stacked learner. Initialisation as PyTorch's
 * {@code nn.Linear}: weights and biases U(−1/√fan_in, 1/√fan_in); γ = 1, β = 0; running μ = 0, σ² = 1.
 *
 * <p>Train mode uses synchronised batch statistics ({@link BatchNorm#train}); eval mode the running statistics.
 * Reference: Badirli et al., "Gradient Boosting Neural Networks: GrowNet", arXiv:2002.07971, 2020 (the reference
 * code's {@code MLP_2HL}).
 */
public final class WeakLearner {
    public static final double LEAKY_SLOPE = 0.1;

    private final int inputs;
    private final int hidden;
    private final boolean stacked;
    private final int in;
    private final double[] params;
    private final double[] running;

    // parameter offsets
    private final int oW1;
    private final int oB1;
    private final int oG1;
    private final int oBe1;
    private final int oW2;
    private final int oB2;
    private final int oWo;
    private final int oBo;
    private final int oG0;
    private final int oBe0;

    public WeakLearner(int inputs, int hidden, boolean stacked, double[] params, double[] running) {
        if (inputs < 1 || hidden < 1) {
            throw new IllegalArgumentException("inputs and hidden must be positive, got " + inputs + ", " + hidden);
        }
        this.inputs = inputs;
        this.hidden = hidden;
        this.stacked = stacked;
        this.in = inputs + (stacked ? hidden : 0);
        oW1 = 0;
        oB1 = oW1 + in * hidden;
        oG1 = oB1 + hidden;
        oBe1 = oG1 + hidden;
        oW2 = oBe1 + hidden;
        oB2 = oW2 + hidden * hidden;
        oWo = oB2 + hidden;
        oBo = oWo + hidden;
        oG0 = oBo + 1;
        oBe0 = oG0 + (stacked ? in : 0);
        int size = oBe0 + (stacked ? in : 0);
        if (params.length != size) {
            throw new IllegalArgumentException("learner (" + inputs + " inputs, H=" + hidden + ", stacked=" + stacked
                    + ") has " + size + " parameters, got " + params.length);
        }
        if (running.length != runningSize(inputs, hidden, stacked)) {
            throw new IllegalArgumentException("learner expects " + runningSize(inputs, hidden, stacked)
                    + " running statistics, got " + running.length);
        }
        this.params = params;
        this.running = running;
    }

    /** A freshly initialised learner (PyTorch defaults, seeded). */
    public static WeakLearner create(int inputs, int hidden, boolean stacked, long seed) {
        return create(inputs, hidden, stacked, seed, false);
    }

    /**
     * A freshly initialised learner, seeded: PyTorch's {@code nn.Linear} defaults, or with {@code xavier} the
     * reference code's learning-to-rank initialisation: Xavier-uniform weights U(−b, b), b = √(6/(fan_in + fan_out)),
     * and every bias 0.01. BatchNorm γ = 1, β = 0 either way.
     */
    public static WeakLearner create(int inputs, int hidden, boolean stacked, long seed, boolean xavier) {
        int in = inputs + (stacked ? hidden : 0);
        double[] p = new double[numParams(inputs, hidden, stacked)];
        SplittableRandom rng = new SplittableRandom(seed);
        int o = 0;
        if (xavier) {
            o = uniform(p, o, in * hidden, Math.sqrt(6.0 / (in + hidden)), rng);              // W1
            Arrays.fill(p, o, o + hidden, 0.01);                                               // b1
            o += hidden;
        } else {
            o = uniform(p, o, in * hidden + hidden, 1 / Math.sqrt(in), rng);                   // W1, b1
        }
        Arrays.fill(p, o, o + hidden, 1.0);                                                    // γ1
        o += 2 * hidden;                                                                       // β1 = 0
        if (xavier) {
            o = uniform(p, o, hidden * hidden, Math.sqrt(6.0 / (2 * hidden)), rng);            // W2
            Arrays.fill(p, o, o + hidden, 0.01);                                               // b2
            o += hidden;
            o = uniform(p, o, hidden, Math.sqrt(6.0 / (hidden + 1)), rng);                     // w_out
            p[o++] = 0.01;                                                                     // b_out
        } else {
            o = uniform(p, o, hidden * hidden + hidden, 1 / Math.sqrt(hidden), rng);           // W2, b2
            o = uniform(p, o, hidden + 1, 1 / Math.sqrt(hidden), rng);                         // w_out, b_out
        }
        if (stacked) {
            Arrays.fill(p, o, o + in, 1.0);                                       // γ0; β0 = 0
        }
        double[] r = new double[runningSize(inputs, hidden, stacked)];
        Arrays.fill(r, hidden, 2 * hidden, 1.0);
        if (stacked) {
            Arrays.fill(r, 2 * hidden + in, 2 * hidden + 2 * in, 1.0);
        }
        return new WeakLearner(inputs, hidden, stacked, p, r);
    }

    private static int uniform(double[] p, int offset, int count, double bound, SplittableRandom rng) {
        for (int i = 0; i < count; i++) {
            p[offset + i] = (2 * rng.nextDouble() - 1) * bound;
        }
        return offset + count;
    }

    public static int numParams(int inputs, int hidden, boolean stacked) {
        int in = inputs + (stacked ? hidden : 0);
        return in * hidden + 3 * hidden + hidden * hidden + hidden + hidden + 1 + (stacked ? 2 * in : 0);
    }

    /** Appends the parameter tensors in the flat order above, named {@code prefix.W1} etc. */
    public void tensors(String prefix, org.sparktrain.zoo.ParamTensors out) {
        out.add(prefix + ".W1", (long) in * hidden).add(prefix + ".b1", hidden).add(prefix + ".gamma1", hidden)
                .add(prefix + ".beta1", hidden).add(prefix + ".W2", (long) hidden * hidden).add(prefix + ".b2", hidden)
                .add(prefix + ".wOut", hidden).add(prefix + ".bOut", 1);
        if (stacked) {
            out.add(prefix + ".gamma0", in).add(prefix + ".beta0", in);
        }
    }

    public static int runningSize(int inputs, int hidden, boolean stacked) {
        return 2 * hidden + (stacked ? 2 * (inputs + hidden) : 0);
    }

    public int inputs() {
        return inputs;
    }

    public int hidden() {
        return hidden;
    }

    public boolean stacked() {
        return stacked;
    }

    /** Live parameter array (layout in the class comment). */
    public double[] params() {
        return params;
    }

    /** Live running statistics (layout in the class comment). */
    public double[] running() {
        return running;
    }

    public WeakLearner copy() {
        return new WeakLearner(inputs, hidden, stacked, params.clone(), running.clone());
    }

    /** Widths of this learner's BatchNorm layers in running-statistics order: BN1, then BN0 if stacked. */
    public int[] batchNormWidths() {
        return stacked ? new int[]{hidden, in} : new int[]{hidden};
    }

    /** Values of one train-mode pass kept for the backward pass. */
    public static final class Pass {
        int rows;
        BatchNorm.Forward bn0;
        double[] z;
        double[] u;
        BatchNorm.Forward bn1;
        double[] phi;
        double[] f;

        /** φ (rows, H), row-major: features for the next learner. */
        public double[] phi() {
            return phi;
        }

        /** f (rows). */
        public double[] f() {
            return f;
        }

        /** Rows of the global batch (BatchNorm's N; with record weights their sum C). */
        public double globalRows() {
            return bn1.count();
        }

        /**
         * This worker's Σx, Σx² of every BatchNorm layer in running-statistics order (BN1 then BN0), for the
         * running-statistics update.
         */
        public double[] batchNormSums() {
            double[] s1 = bn1.localSums();
            if (bn0 == null) {
                return s1.clone();
            }
            double[] s0 = bn0.localSums();
            double[] out = Arrays.copyOf(s1, s1.length + s0.length);
            System.arraycopy(s0, 0, out, s1.length, s0.length);
            return out;
        }
    }

    /** Eval-mode outputs: φ (rows, H) and f (rows). */
    public record Output(double[] phi, double[] f) {
    }

    /** Train-mode forward of x (rows, d) and φ_prev (rows, H); batch statistics summed over workers by {@code reducer}. */
    public Pass forwardTrain(double[] x, double[] phiPrev, int rows, Reducer reducer) {
        return forwardTrain(x, phiPrev, rows, reducer, null);
    }

    /**
     * Train-mode forward whose BatchNorm layers use the record weights {@code weights} (rows; weighted batch
     * statistics, {@link BatchNorm}), or the unweighted pass when null. The loss handed to {@link #backward} must
     * carry the same weights (∂L/∂f_i = c_i ∂ℓ_i/∂f_i).
     */
    public Pass forwardTrain(double[] x, double[] phiPrev, int rows, Reducer reducer, double[] weights) {
        Pass p = new Pass();
        p.rows = rows;
        double[] z = x;
        if (stacked) {
            requirePrev(x, phiPrev, rows);
            p.bn0 = BatchNorm.train(Dense.hstack(x, inputs, phiPrev, hidden, rows), rows, in, params, oG0, oBe0,
                    reducer, weights);
            z = p.bn0.out();
        }
        p.z = z;
        p.u = Dense.mul(z, rows, in, Arrays.copyOfRange(params, oW1, oW1 + in * hidden), hidden);
        Dense.addRow(p.u, rows, params, oB1, hidden);
        p.bn1 = BatchNorm.train(leaky(p.u), rows, hidden, params, oG1, oBe1, reducer, weights);
        p.phi = Dense.mul(p.bn1.out(), rows, hidden, Arrays.copyOfRange(params, oW2, oW2 + hidden * hidden), hidden);
        Dense.addRow(p.phi, rows, params, oB2, hidden);
        p.f = head(p.phi, rows);
        return p;
    }

    /** Eval-mode forward (running statistics). */
    public Output forwardEval(double[] x, double[] phiPrev, int rows) {
        double[] z = x;
        if (stacked) {
            requirePrev(x, phiPrev, rows);
            int h2 = 2 * hidden;
            z = BatchNorm.eval(Dense.hstack(x, inputs, phiPrev, hidden, rows), rows, in, params, oG0, oBe0, running,
                    h2, h2 + in);
        }
        double[] u = Dense.mul(z, rows, in, Arrays.copyOfRange(params, oW1, oW1 + in * hidden), hidden);
        Dense.addRow(u, rows, params, oB1, hidden);
        double[] a = BatchNorm.eval(leaky(u), rows, hidden, params, oG1, oBe1, running, 0, hidden);
        double[] phi = Dense.mul(a, rows, hidden, Arrays.copyOfRange(params, oW2, oW2 + hidden * hidden), hidden);
        Dense.addRow(phi, rows, params, oB2, hidden);
        return new Output(phi, head(phi, rows));
    }

    /** f = ReLU(φ) w_out + b_out. */
    private double[] head(double[] phi, int rows) {
        double[] f = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = params[oBo];
            for (int j = 0; j < hidden; j++) {
                double v = phi[i * hidden + j];
                if (v > 0) {
                    s += v * params[oWo + j];
                }
            }
            f[i] = s;
        }
        return f;
    }

    /**
     * Backward pass of a train-mode {@link Pass}: adds ∂L/∂θ of this worker's rows into {@code grad} at
     * {@code offset} (this learner's layout) and returns ∂L/∂φ_prev (rows, H) for a stacked learner, else null.
     *
     * @param df       ∂L/∂f (rows)
     * @param dPhiNext ∂L/∂φ arriving from the next learner (rows, H), or null
     */
    public double[] backward(Pass p, double[] df, double[] dPhiNext, double[] grad, int offset, Reducer reducer) {
        int rows = p.rows;
        double[] dPhi = new double[rows * hidden];
        for (int i = 0; i < rows; i++) {
            grad[offset + oBo] += df[i];
            for (int j = 0; j < hidden; j++) {
                int k = i * hidden + j;
                double v = p.phi[k];
                if (v > 0) {
                    grad[offset + oWo + j] += v * df[i];
                    dPhi[k] = df[i] * params[oWo + j];
                }
                if (dPhiNext != null) {
                    dPhi[k] += dPhiNext[k];
                }
            }
        }
        add(grad, offset + oW2, Dense.mulTransA(p.bn1.out(), rows, hidden, dPhi, hidden));
        add(grad, offset + oB2, Dense.colSums(dPhi, rows, hidden));
        double[] da = Dense.mulTransB(dPhi, rows, hidden, Arrays.copyOfRange(params, oW2, oW2 + hidden * hidden),
                hidden);
        double[] du = BatchNorm.backward(p.bn1, da, rows, hidden, params, oG1, grad, offset + oG1, offset + oBe1,
                reducer);
        for (int k = 0; k < du.length; k++) {
            if (!(p.u[k] > 0)) {
                du[k] *= LEAKY_SLOPE;
            }
        }
        add(grad, offset + oW1, Dense.mulTransA(p.z, rows, in, du, hidden));
        add(grad, offset + oB1, Dense.colSums(du, rows, hidden));
        if (!stacked) {
            return null;
        }
        double[] dz = Dense.mulTransB(du, rows, hidden, Arrays.copyOfRange(params, oW1, oW1 + in * hidden), in);
        double[] dxcat = BatchNorm.backward(p.bn0, dz, rows, in, params, oG0, grad, offset + oG0, offset + oBe0,
                reducer);
        double[] dPrev = new double[rows * hidden];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(dxcat, i * in + inputs, dPrev, i * hidden, hidden);
        }
        return dPrev;
    }

    /** Running-statistics update from the global Σx, Σx² of this learner's layers (order as {@link Pass#batchNormSums}). */
    public void updateRunning(double[] sums, int offset, double count) {
        updateRunning(running, 0, inputs, hidden, stacked, sums, offset, count);
    }

    /**
     * The same update on a learner's running statistics stored at {@code running[runningOffset..]} (layout of
     * {@link #running()}), for callers that hold many learners' statistics in one flat array.
     */
    public static void updateRunning(double[] running, int runningOffset, int inputs, int hidden, boolean stacked,
                                     double[] sums, int offset, double count) {
        int in = inputs + (stacked ? hidden : 0);
        int o = runningOffset;
        BatchNorm.updateRunning(running, o, o + hidden, hidden, sums, offset, count);
        if (stacked) {
            BatchNorm.updateRunning(running, o + 2 * hidden, o + 2 * hidden + in, in, sums, offset + 2 * hidden, count);
        }
    }

    /** Length of this learner's {@link Pass#batchNormSums}. */
    public int batchNormSumsLength() {
        return 2 * hidden + (stacked ? 2 * in : 0);
    }

    private void requirePrev(double[] x, double[] phiPrev, int rows) {
        if (x.length != rows * inputs) {
            throw new IllegalArgumentException("expected " + rows + " x " + inputs + " features, got " + x.length);
        }
        if (phiPrev == null || phiPrev.length != rows * hidden) {
            throw new IllegalArgumentException("a stacked learner needs the previous learner's features (" + rows
                    + " x " + hidden + "), got " + (phiPrev == null ? "none" : phiPrev.length + " values"));
        }
    }

    private static void add(double[] grad, int offset, double[] v) {
        for (int i = 0; i < v.length; i++) {
            grad[offset + i] += v[i];
        }
    }

    static double[] leaky(double[] u) {
        double[] out = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            out[i] = u[i] > 0 ? u[i] : LEAKY_SLOPE * u[i];
        }
        return out;
    }
}

package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.Arrays;

/**
 * DoG, "Distance over Gradients" (optimizer type {@code dog}), and its layer-wise form L-DoG ({@code ldog}): SGD
 * whose step is the largest distance travelled from the start divided by the root of the summed squared gradient
 * norms, with one small initial-movement parameter r_ε instead of a learning rate; combined with polynomial-decay
 * iterate averaging, whose average x̄ is the point to evaluate and export ({@link #evalParams}).
 *
 * <p>Ivgi, Hinder &amp; Carmon, "DoG is SGD's Best Friend: A Parameter-Free Dynamic Step Size Schedule", ICML 2023,
 * arXiv:2302.12022; reference code formll/dog ({@code dog.py}, {@code averager.py}). Averaging: Shamir &amp; Zhang,
 * "Stochastic Gradient Descent for Non-smooth Optimization", ICML 2013.
 *
 * <p><b>Step k</b> (g the mean gradient; one block for DoG, one per parameter tensor for L-DoG — every weight
 * matrix and bias vector of the {@link TensorLayout} separately):
 * <pre>
 *   g ← g + wd·x                                  (coupled L2; counts in G)
 *   k = 0:  x0 = x;  r̄ = r_ε·(1 + ‖x0‖);  G = ‖g‖² + ε        (r̄ = 0 when initEta is given)
 *   k ≥ 1:  r̄ ← max(r̄, ‖x − x0‖);  G ← G + ‖g‖²
 *   η = lr·r̄/√G                                   (k = 0 with initEta: η = initEta)
 *   x ← x − η·g;  k ← k + 1
 *   a = (γ+1)/(k+γ);  x̄ ← (1 − a)·x̄ + a·x        (a = 1 at k = 1, so x̄ starts at x_1)
 * </pre>
 * Norms and sums per block, in double, from the reduced gradient: the step is invariant to a constant rescaling of
 * the loss when ε = 0 and wd = 0. A block whose G is 0 (no gradient at all, only possible for ε = 0) does not move.
 *
 * <p><b>State</b>: vectors [x0 (from worker 0), xbar (averaged)]; scalars [k (worker 0), then per block r̄_i, G_i
 * (averaged)], i.e. {@code rbar, G} for DoG and {@code rbar[0], G[0], rbar[1], G[1], ...} in layout order for L-DoG.
 */
public final class DoG extends AbstractFlatOptimizer {
    /**
     * @param repsRel        r_ε relative to 1 + ‖x0‖ (default 1e-6; 1e-4 with BatchNorm)
     * @param eps            ε added to G at the first step (default 1e-8)
     * @param weightDecay    wd, coupled (default 0)
     * @param initEta        first step size overriding r_ε (null = the formula)
     * @param averagingGamma γ of the polynomial-decay average (default 8)
     */
    public record Settings(double repsRel, double eps, double weightDecay, Double initEta, double averagingGamma) {
    }

    private final Settings p;
    private final TensorLayout blocks;
    private final int x0;
    private final int xbar;
    private final int k;
    private final int[] rbar;
    private final int[] sumSq;

    /** DoG: one block spanning all parameters. */
    public static DoG global(long numParams, ISchedule learningRate, Settings settings) {
        return new DoG(numParams, learningRate, settings, TensorLayout.single(numParams));
    }

    /** L-DoG: one block per parameter tensor of {@code layout}. */
    public static DoG layerwise(ISchedule learningRate, Settings settings, TensorLayout layout) {
        return new DoG(layout.numParams(), learningRate, settings, layout);
    }

    private DoG(long numParams, ISchedule learningRate, Settings settings, TensorLayout blocks) {
        super(numParams, learningRate);
        if (blocks.numParams() != numParams) {
            throw new IllegalArgumentException("tensor layout covers " + blocks.numParams() + " parameters, model has "
                    + numParams);
        }
        this.p = settings;
        this.blocks = blocks;
        x0 = state.addVector("x0", FlatState.Sync.LEADER);
        xbar = state.addVector("xbar", FlatState.Sync.AVERAGE);
        k = state.addScalar("k", FlatState.Sync.LEADER, 0);
        int t = blocks.numTensors();
        rbar = new int[t];
        sumSq = new int[t];
        for (int i = 0; i < t; i++) {
            String suffix = t == 1 ? "" : "[" + i + "]";
            rbar[i] = state.addScalar("rbar" + suffix, FlatState.Sync.AVERAGE, 0);
            sumSq[i] = state.addScalar("G" + suffix, FlatState.Sync.AVERAGE, 0);
        }
    }

    @Override
    public void step(INDArray params, INDArray gradient, long iteration, int epoch) {
        INDArray x = flat(params);
        INDArray g = flat(gradient);
        if (p.weightDecay() != 0) {
            addScaled(g, p.weightDecay(), x);
        }
        double step = state.get(k);
        boolean first = step == 0;
        if (first) {
            state.vector(x0).assign(x);
        }
        float[] xh = DoubleReductions.host(x);
        float[] gh = DoubleReductions.host(g);
        float[] x0h = first ? xh : DoubleReductions.host(state.vector(x0));
        double lr = learningRate(iteration, epoch);
        double[] eta = new double[blocks.numTensors()];
        for (int i = 0; i < eta.length; i++) {
            int from = blocks.offset(i);
            int to = blocks.end(i);
            double g2 = DoubleReductions.sumSquares(gh, from, to);
            if (first) {
                double x0Norm = Math.sqrt(DoubleReductions.sumSquares(xh, from, to));
                state.set(rbar[i], p.initEta() != null ? 0 : p.repsRel() * (1 + x0Norm));
                state.set(sumSq[i], g2 + p.eps());
            } else {
                double dist = Math.sqrt(DoubleReductions.distanceSquared(xh, x0h, from, to));
                state.set(rbar[i], Math.max(state.get(rbar[i]), dist));
                state.set(sumSq[i], state.get(sumSq[i]) + g2);
            }
            double G = state.get(sumSq[i]);
            eta[i] = first && p.initEta() != null ? p.initEta() : G > 0 ? lr * state.get(rbar[i]) / Math.sqrt(G) : 0;
        }
        if (eta.length == 1) {
            addScaled(x, -eta[0], g);
        } else {
            float[] perEntry = new float[(int) n];
            for (int i = 0; i < eta.length; i++) {
                Arrays.fill(perEntry, blocks.offset(i), blocks.end(i), (float) eta[i]);
            }
            x.subi(g.mul(Nd4j.createFromArray(perEntry)));
        }
        double t = step + 1;
        state.set(k, t);
        INDArray avg = state.vector(xbar);
        if (first) {
            avg.assign(x);
        } else {
            double a = (p.averagingGamma() + 1) / (t + p.averagingGamma());
            avg.muli(1 - a);
            addScaled(avg, a, x);
        }
    }

    /** x̄, the polynomial-decay average of the iterates (the live parameters before the first step). */
    @Override
    public INDArray evalParams(INDArray params) {
        return state.get(k) == 0 ? params : state.vector(xbar).reshape(params.shape());
    }

    @Override
    public boolean separateEvalPoint() {
        return true;
    }
}

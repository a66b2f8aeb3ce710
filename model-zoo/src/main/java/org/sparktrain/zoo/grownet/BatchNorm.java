package org.sparktrain.zoo.grownet;

/**
 * Batch normalisation over the rows of a (B, n) row-major double matrix, forward and backward by hand, with the
 * batch statistics summed over all data-parallel workers through a {@link Reducer} (synchronised BatchNorm): the
 * global batch of N rows is normalised with its own mean μ and biased variance σ², exactly as one machine would
 * normalise it. Train mode: x̂ = (x − μ)/√(σ² + ε), y = γ ⊙ x̂ + β. Eval mode uses running statistics instead.
 *
 * <p>Backward for a loss L summed over the global batch, with dy = ∂L/∂y:
 * ∂L/∂γ = Σ dy ⊙ x̂, ∂L/∂β = Σ dy (each worker contributes the sums over its own rows), and
 * ∂L/∂x = γ/√(σ² + ε) ⊙ (dy − Σ_N dy / N − x̂ ⊙ Σ_N (dy ⊙ x̂) / N), where Σ_N runs over the global batch (second
 * reduction). Running statistics follow PyTorch's {@code BatchNorm1d}: momentum 0.1, unbiased variance
 * σ²·N/(N − 1), ε = 1e-5 (S. Ioffe, C. Szegedy, "Batch Normalization", ICML 2015).
 *
 * <p>Record weights (a selection's c_i = (R/n)·w_i, docs/selection.md): with weights c the batch statistics are the
 * weighted ones, C = Σ c_i, μ = Σ c_i x_i / C, σ² = Σ c_i x_i² / C − μ², and the loss is L = Σ_i c_i ℓ_i, so the
 * dy handed to the backward pass already carries c_i. Differentiating through μ and σ² gives
 * ∂L/∂x_i = γ/√(σ² + ε) ⊙ (dy_i − c_i Σ dy / C − c_i x̂_i ⊙ Σ (dy ⊙ x̂) / C). An integer c_i is exactly a row
 * repeated c_i times (the sums over the copies of row i equal these); c ≡ 1 is the unweighted layer. Without
 * weights ({@code null}) the unweighted code runs, unchanged. The running statistics then use the weighted sums and
 * N = C.
 */
public final class BatchNorm {
    public static final double EPS = 1e-5;
    public static final double MOMENTUM = 0.1;

    private BatchNorm() {
    }

    /**
     * Cached values of one train-mode forward pass.
     *
     * @param localSums this worker's column sums Σx (n) then Σx² (n), for the running statistics
     * @param count     N, rows of the global batch (weighted: C = Σ c_i over the global batch)
     * @param weights   this worker's record weights c (rows), or null (unweighted)
     */
    public record Forward(double[] out, double[] xhat, double[] invStd, double[] localSums, double count,
                          double[] weights) {
    }

    /** Train-mode forward of {@code x} (rows, n) with γ, β at {@code params[gammaOffset..]}, {@code [betaOffset..]}. */
    public static Forward train(double[] x, int rows, int n, double[] params, int gammaOffset, int betaOffset,
                                Reducer reducer) {
        return train(x, rows, n, params, gammaOffset, betaOffset, reducer, null);
    }

    /**
     * Train-mode forward with record weights {@code weights} (rows, c_i &ge; 0; class comment), or the unweighted
     * one when null.
     */
    public static Forward train(double[] x, int rows, int n, double[] params, int gammaOffset, int betaOffset,
                                Reducer reducer, double[] weights) {
        double[] local = new double[2 * n + 1];
        if (weights == null) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < n; j++) {
                    double v = x[i * n + j];
                    local[j] += v;
                    local[n + j] += v * v;
                }
            }
            local[2 * n] = rows;
        } else {
            if (weights.length != rows) {
                throw new IllegalArgumentException(weights.length + " record weights for " + rows + " rows");
            }
            for (int i = 0; i < rows; i++) {
                double c = weights[i];
                for (int j = 0; j < n; j++) {
                    double v = x[i * n + j];
                    local[j] += c * v;
                    local[n + j] += c * v * v;
                }
                local[2 * n] += c;
            }
        }
        double[] total = reducer.sum(local);
        double count = total[2 * n];
        double[] mean = new double[n];
        double[] invStd = new double[n];
        for (int j = 0; j < n; j++) {
            mean[j] = total[j] / count;
            double var = Math.max(0, total[n + j] / count - mean[j] * mean[j]);
            invStd[j] = 1 / Math.sqrt(var + EPS);
        }
        double[] xhat = new double[rows * n];
        double[] out = new double[rows * n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                xhat[k] = (x[k] - mean[j]) * invStd[j];
                out[k] = params[gammaOffset + j] * xhat[k] + params[betaOffset + j];
            }
        }
        return new Forward(out, xhat, invStd, java.util.Arrays.copyOf(local, 2 * n), count, weights);
    }

    /** Eval-mode forward with running mean and (unbiased) variance at {@code running[meanOffset..]}, {@code [varOffset..]}. */
    public static double[] eval(double[] x, int rows, int n, double[] params, int gammaOffset, int betaOffset,
                                double[] running, int meanOffset, int varOffset) {
        double[] out = new double[rows * n];
        for (int j = 0; j < n; j++) {
            double inv = 1 / Math.sqrt(running[varOffset + j] + EPS);
            double g = params[gammaOffset + j];
            double b = params[betaOffset + j];
            double m = running[meanOffset + j];
            for (int i = 0; i < rows; i++) {
                out[i * n + j] = (x[i * n + j] - m) * inv * g + b;
            }
        }
        return out;
    }

    /**
     * Backward pass: adds this worker's ∂L/∂γ and ∂L/∂β into {@code grad} at the given offsets and returns ∂L/∂x of
     * its rows.
     */
    public static double[] backward(Forward f, double[] dy, int rows, int n, double[] params, int gammaOffset,
                                    double[] grad, int gradGammaOffset, int gradBetaOffset, Reducer reducer) {
        double[] local = new double[2 * n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                local[j] += dy[k];
                local[n + j] += dy[k] * f.xhat()[k];
            }
        }
        for (int j = 0; j < n; j++) {
            grad[gradGammaOffset + j] += local[n + j];
            grad[gradBetaOffset + j] += local[j];
        }
        double[] total = reducer.sum(local);
        double[] dx = new double[rows * n];
        for (int j = 0; j < n; j++) {
            double meanDy = total[j] / f.count();
            double meanDyX = total[n + j] / f.count();
            double scale = params[gammaOffset + j] * f.invStd()[j];
            if (f.weights() == null) {
                for (int i = 0; i < rows; i++) {
                    int k = i * n + j;
                    dx[k] = scale * (dy[k] - meanDy - f.xhat()[k] * meanDyX);
                }
            } else {
                for (int i = 0; i < rows; i++) {
                    int k = i * n + j;
                    double c = f.weights()[i];
                    dx[k] = scale * (dy[k] - c * meanDy - c * f.xhat()[k] * meanDyX);
                }
            }
        }
        return dx;
    }

    /**
     * Updates running statistics in place from a global batch's summed Σx, Σx² and N:
     * r_μ ← (1 − m) r_μ + m μ, r_σ² ← (1 − m) r_σ² + m σ² N/(N − 1).
     */
    public static void updateRunning(double[] running, int meanOffset, int varOffset, int n, double[] sums,
                                     int sumsOffset, double count) {
        for (int j = 0; j < n; j++) {
            double mu = sums[sumsOffset + j] / count;
            double biased = Math.max(0, sums[sumsOffset + n + j] / count - mu * mu);
            double unbiased = count > 1 ? biased * count / (count - 1) : biased;
            running[meanOffset + j] = (1 - MOMENTUM) * running[meanOffset + j] + MOMENTUM * mu;
            running[varOffset + j] = (1 - MOMENTUM) * running[varOffset + j] + MOMENTUM * unbiased;
        }
    }
}

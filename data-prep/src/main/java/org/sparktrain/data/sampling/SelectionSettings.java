package org.sparktrain.data.sampling;

import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.List;

/**
 * Settings of a data selection (the {@code selection} section of the {@code select} job's config). Every failure
 * message starts with the field name, so the config loader can prefix the section ({@code selection.m: ...}).
 *
 * @param method        {@code sensitivity} (clustering-based sensitivity sampling, Axiotis et al., ICML 2024),
 *                      {@code uniform} (every record with probability 1/n, the baseline), {@code margin} (the m
 *                      records of smallest classification margin, {@link MarginSampling}; needs a model and m <= n),
 *                      {@code leverage} (p = h_ii / d, the exact leverage scores of the table's linear-regression
 *                      design, {@link LeverageScores}) or {@code kcenter} (k-center greedy, {@link KCenterGreedy}: the
 *                      m records of the farthest-first traversal of the embeddings from a seeded random first record,
 *                      each weighted by its Voronoi cell size; m <= n; uses embedding, pcaDimensions, normalize and
 *                      seed, a model only for {@code embedding: model}); default sensitivity. Settings a method
 *                      does not use (k-means, λ, z, labelAware, lambdaQuantile, uniformMix for uniform, margin,
 *                      leverage and kcenter) are ignored
 * @param k             number of k-means clusters, 1..n; default min(100, n)
 * @param m             number of i.i.d. draws (with replacement); exactly one of m and fraction
 * @param fraction      m as a fraction of the n records, in (0, 1]: m = max(1, round(fraction * n))
 * @param lambda        λ >= 0, the weight of the distance term: v(x) = ℓ(A(x)) + λ‖e_x - e_A(x)‖^z; default
 *                      (unset): calibrated at q = {@value #DEFAULT_LAMBDA_QUANTILE} (see lambdaQuantile) when a
 *                      model's loss depends on a class label (a model is given and the dataset has >= 2 classes),
 *                      else 1 ({@link #resolvedFor})
 * @param z             z > 0, the Hölder exponent of the distance term; default 2 (the k-means case)
 * @param embedding     {@code raw} (the features), {@code pca} (Spark MLlib PCA of the features) or {@code model}
 *                      (the penultimate layer of the trained model); default model when a model is given, else raw
 * @param pcaDimensions output dimension of {@code pca}; default 50 (at most the feature count)
 * @param normalize     scale every embedding to unit L2 norm before clustering (puts ‖·‖^z on a fixed scale, see
 *                      the spec's pitfalls); default true
 * @param seed          seed of k-means and of the draws (kcenter: of the first center); default 1
 * @param maxIterations k-means iterations; default 20
 * @param labelAware    append {@value #LABEL_SEPARATION}·(largest embedding norm)·onehot(label) to every embedding
 *                      before k-means, so that no cluster mixes classes: a classifier's loss depends on the label,
 *                      so the spec's Hölder assumption |ℓ(x) − ℓ(y)| ≤ λ‖e_x − e_y‖^z can only hold between
 *                      records of the same class (label-aware clustering is the spec's "embed every example" with
 *                      the example's label as part of its embedding). Classification datasets only; needs k >= the
 *                      class count. Default (unset): on exactly when the loss depends on a class label, i.e. a model
 *                      is given, the dataset has at least 2 classes and k >= the class count
 *                      ({@link #labelAwareFor}); set false for the spec's label-blind clustering as written
 * @param lambdaQuantile when set (in (0, 1]), λ is not taken from {@code lambda} but calibrated on
 *                      {@code calibrationSize} uniformly drawn records x (needs a model): λ = the q-quantile of
 *                      (ℓ(x) − ℓ̂(x)) / ‖e_x − e_A(x)‖^z over the calibration records with positive distance
 *                      (0 when all are <= 0), the smallest λ for which ℓ̂ + λ·dist^z upper-bounds the loss of a
 *                      fraction q of them. q = 1 is the empirical Hölder constant; it is dominated by records very
 *                      close to their representative, so q < 1 is usually better. Default: unset, except that it
 *                      is {@value #DEFAULT_LAMBDA_QUANTILE} when neither lambda nor lambdaQuantile is set and a
 *                      model's loss depends on a class label
 * @param calibrationSize records drawn (uniformly, without replacement, seeded) to calibrate λ; default 1000
 * @param uniformMix    α in [0, 1): sample from the mixture p(x) = (1 − α)·v(x)/Σv + α/n (defensive importance
 *                      sampling, Hesterberg 1995: every weight 1/(m·p) is then at most n/(α·m), and the estimator's
 *                      second moment at most 1/α times that of uniform sampling); default 0 (the spec's p)
 */
public record SelectionSettings(String method, Integer k, Long m, Double fraction, Double lambda, Double z,
                               String embedding, Integer pcaDimensions, Boolean normalize, Long seed,
                               Integer maxIterations, Boolean labelAware, Double lambdaQuantile,
                               Integer calibrationSize, Double uniformMix) implements Serializable {
    public static final String SENSITIVITY = "sensitivity";
    public static final String UNIFORM = "uniform";
    public static final String MARGIN = "margin";
    /** Exact leverage-score sampling of a table's linear-regression design ({@link LeverageScores}). */
    public static final String LEVERAGE = "leverage";
    /** k-center greedy, the core-set baseline ({@link KCenterGreedy}). */
    public static final String KCENTER = "kcenter";
    public static final List<String> METHODS = List.of(SENSITIVITY, UNIFORM, MARGIN, LEVERAGE, KCENTER);
    public static final String RAW = "raw";
    public static final String PCA = "pca";
    public static final String MODEL = "model";
    public static final List<String> EMBEDDINGS = List.of(RAW, PCA, MODEL);
    /** Cluster count used when {@code k} is not set (capped at n). */
    public static final int DEFAULT_K = 100;
    /** λ when neither {@code lambda} nor a calibration applies. */
    public static final double DEFAULT_LAMBDA = 1.0;
    /** The calibration quantile used by default for a classifier's loss (the benchmark's best setting). */
    public static final double DEFAULT_LAMBDA_QUANTILE = 0.9;
    /** Label block scale of {@code labelAware}, in units of the largest embedding norm. */
    public static final double LABEL_SEPARATION = 10.0;

    public SelectionSettings {
        method = method == null ? SENSITIVITY : method;
        require(METHODS.contains(method), "method: must be one of " + METHODS + ", got '" + method + "'");
        require(k == null || k >= 1, "k: must be at least 1, got " + k);
        require(m == null || fraction == null, "m, fraction: give one of them, not both (m = " + m + ", fraction = "
                + fraction + ")");
        require(m != null || fraction != null, "m: is required (the number of draws; or set fraction, e.g. 0.1)");
        require(m == null || m > 0, "m: must be positive, got " + m);
        require(fraction == null || (fraction > 0 && fraction <= 1), "fraction: must be in (0, 1], got " + fraction);
        require(lambda == null || (lambda >= 0 && Double.isFinite(lambda)),
                "lambda: must be a finite number >= 0, got " + lambda);
        z = z == null ? 2.0 : z;
        require(z > 0 && Double.isFinite(z), "z: must be a positive finite number, got " + z);
        require(embedding == null || EMBEDDINGS.contains(embedding),
                "embedding: must be one of " + EMBEDDINGS + ", got '" + embedding + "'");
        pcaDimensions = pcaDimensions == null ? 50 : pcaDimensions;
        require(pcaDimensions >= 1, "pcaDimensions: must be at least 1, got " + pcaDimensions);
        normalize = normalize == null || normalize;
        seed = seed == null ? 1L : seed;
        maxIterations = maxIterations == null ? 20 : maxIterations;
        require(maxIterations >= 1, "maxIterations: must be at least 1, got " + maxIterations);
        require(lambdaQuantile == null || (lambdaQuantile > 0 && lambdaQuantile <= 1),
                "lambdaQuantile: must be in (0, 1], got " + lambdaQuantile);
        calibrationSize = calibrationSize == null ? 1000 : calibrationSize;
        require(calibrationSize >= 1, "calibrationSize: must be at least 1, got " + calibrationSize);
        uniformMix = uniformMix == null ? 0.0 : uniformMix;
        require(uniformMix >= 0 && uniformMix < 1, "uniformMix: must be in [0, 1), got " + uniformMix);
    }

    /** Sensitivity sampling of m draws with the defaults for everything else. */
    public static SelectionSettings sensitivity(int k, long m, double lambda, String embedding, long seed) {
        return new SelectionSettings(SENSITIVITY, k, m, null, lambda, null, embedding, null, null, seed, null, null,
                null, null, null);
    }

    /** The number of draws for a population of {@code n} records. */
    public long draws(long n) {
        return m != null ? m : Math.max(1, Math.round(fraction * n));
    }

    /** The cluster count for a population of {@code n} records; an explicit k above n is an error. */
    public int clusters(long n) {
        if (k == null) {
            return (int) Math.min(DEFAULT_K, n);
        }
        if (k > n) {
            throw new IllegalArgumentException("k: " + k + " clusters for only " + n + " records (k must be <= n)");
        }
        return k;
    }

    /**
     * Whether clustering is label-aware for this selection: the configured {@code labelAware} when set, otherwise
     * true exactly when the loss depends on a class label: a model is given, the dataset has {@code numClasses >= 2}
     * and there are enough clusters ({@code k >= numClasses}) to keep every class apart. (Without a model ℓ̂ ≡ 0 and
     * the label plays no role; with fewer clusters than classes the label-blind clustering is the only one possible.)
     */
    public boolean labelAwareFor(boolean hasModel, int numClasses, int k) {
        if (labelAware != null) {
            return labelAware;
        }
        return hasModel && numClasses >= 2 && k >= numClasses;
    }

    /**
     * These settings with every context-dependent default made explicit, for a selection with or without a model on a
     * dataset of {@code numClasses} classes (0 for regression and text) in {@code k} clusters: {@code labelAware} as
     * {@link #labelAwareFor}; {@code lambdaQuantile} = {@value #DEFAULT_LAMBDA_QUANTILE} when neither it nor
     * {@code lambda} is set and a model's loss depends on a class label ({@code hasModel && numClasses >= 2});
     * {@code lambda} = {@value #DEFAULT_LAMBDA} when unset (ignored when {@code lambdaQuantile} is set). Resolving
     * resolved settings changes nothing.
     */
    public SelectionSettings resolvedFor(boolean hasModel, int numClasses, int k) {
        if (labelAware == null && hasModel && numClasses >= 2 && k < numClasses) {
            LoggerFactory.getLogger(SelectionSettings.class).warn("selection.labelAware: off, because k = {} clusters "
                    + "cannot keep the {} classes apart; clusters mix classes, so the representatives' losses are a "
                    + "poorer proxy (set k >= {} for label-aware clusters)", k, numClasses, numClasses);
        }
        Double q = lambdaQuantile != null ? lambdaQuantile
                : lambda == null && hasModel && numClasses >= 2 ? DEFAULT_LAMBDA_QUANTILE : null;
        return new SelectionSettings(method, this.k, m, fraction, lambda == null ? DEFAULT_LAMBDA : lambda, z,
                embedding, pcaDimensions, normalize, seed, maxIterations, labelAwareFor(hasModel, numClasses, k), q,
                calibrationSize, uniformMix);
    }

    /** The embedding to use: the configured one, else {@code model} when a model is given, else {@code raw}. */
    public String embeddingFor(boolean hasModel) {
        if (embedding == null) {
            return hasModel ? MODEL : RAW;
        }
        if (MODEL.equals(embedding) && !hasModel) {
            throw new IllegalArgumentException("embedding: 'model' needs a trained model (set model to a run directory)");
        }
        return embedding;
    }

    public SelectionSettings withSeed(long newSeed) {
        return new SelectionSettings(method, k, m, fraction, lambda, z, embedding, pcaDimensions, normalize, newSeed,
                maxIterations, labelAware, lambdaQuantile, calibrationSize, uniformMix);
    }

    public SelectionSettings withMethod(String newMethod) {
        return new SelectionSettings(newMethod, k, m, fraction, lambda, z, embedding, pcaDimensions, normalize, seed,
                maxIterations, labelAware, lambdaQuantile, calibrationSize, uniformMix);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}

package org.sparktrain.losses.retrieval;

/**
 * Settings of {@link RelevanceMarginLoss}.
 *
 * @param target           STATIC (constant {@code staticMargin}), ADAPTIVE or DISTRIBUTED; default ADAPTIVE
 * @param staticMargin     the constant c of STATIC (ignored otherwise); the paper's sweep covers 0.1 … 1.0
 * @param inBatchNegatives compare every query with every triple's negative (B×B entries) instead of only its own
 *                         (B entries); must be false for DISTRIBUTED; default false
 * @param reading          BROADCAST (the reference code, default) or SYMMETRIC, see {@link MarginReading}
 * @param detachTarget     stop the gradient through the adaptive/distributed target (a frozen-target variant);
 *                         default false: the paper's self-distillation lets gradients flow into cos(d+, d−)
 * @param errorFunction    φ; default L2 (all published runs)
 */
public record RelevanceMarginConfig(MarginTarget target, double staticMargin, boolean inBatchNegatives,
                                    MarginReading reading, boolean detachTarget,
                                    MarginErrorFunction errorFunction) {
    public RelevanceMarginConfig {
        if (target == null || reading == null || errorFunction == null) {
            throw new IllegalArgumentException("target, reading and errorFunction must be set");
        }
        if (target == MarginTarget.DISTRIBUTED && inBatchNegatives) {
            throw new IllegalArgumentException("target DISTRIBUTED requires inBatchNegatives=false "
                    + "(it already compares every margin with the whole batch)");
        }
        if (target == MarginTarget.STATIC && !Double.isFinite(staticMargin)) {
            throw new IllegalArgumentException("staticMargin must be finite, got " + staticMargin);
        }
    }

    /** The parameter-free self-distillation loss as published: adaptive target, no in-batch negatives, L2. */
    public static RelevanceMarginConfig adaptive() {
        return new RelevanceMarginConfig(MarginTarget.ADAPTIVE, 0, false, MarginReading.BROADCAST, false,
                MarginErrorFunction.L2);
    }

    /** The static-margin baseline with margin c. */
    public static RelevanceMarginConfig staticMargin(double c) {
        return new RelevanceMarginConfig(MarginTarget.STATIC, c, false, MarginReading.BROADCAST, false,
                MarginErrorFunction.L2);
    }

    /** The distributed self-distillation target. */
    public static RelevanceMarginConfig distributed() {
        return new RelevanceMarginConfig(MarginTarget.DISTRIBUTED, 0, false, MarginReading.BROADCAST, false,
                MarginErrorFunction.L2);
    }

    public RelevanceMarginConfig withInBatchNegatives(boolean on) {
        return new RelevanceMarginConfig(target, staticMargin, on, reading, detachTarget, errorFunction);
    }

    public RelevanceMarginConfig withReading(MarginReading r) {
        return new RelevanceMarginConfig(target, staticMargin, inBatchNegatives, r, detachTarget, errorFunction);
    }

    public RelevanceMarginConfig withDetachedTarget(boolean on) {
        return new RelevanceMarginConfig(target, staticMargin, inBatchNegatives, reading, on, errorFunction);
    }

    public RelevanceMarginConfig withErrorFunction(MarginErrorFunction f) {
        return new RelevanceMarginConfig(target, staticMargin, inBatchNegatives, reading, detachTarget, f);
    }

    /** True when some loss entry of a row uses the positive score of another row's query (needs global queries). */
    boolean usesOtherQueries() {
        return reading == MarginReading.BROADCAST && (inBatchNegatives || target == MarginTarget.DISTRIBUTED);
    }

    /** True when the loss has G×G entries (in-batch or distributed) rather than G. */
    boolean fullMatrix() {
        return inBatchNegatives || target == MarginTarget.DISTRIBUTED;
    }
}

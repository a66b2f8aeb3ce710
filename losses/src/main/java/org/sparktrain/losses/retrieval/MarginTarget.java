package org.sparktrain.losses.retrieval;

/** Where the target margin of {@link RelevanceMarginLoss} comes from. */
public enum MarginTarget {
    /** A constant c (the parametrized baseline that needs a sweep over c). */
    STATIC,
    /** Self-distillation: t = (cos(d+, d−) + 1)/2 from the encoder's own document-document similarity. */
    ADAPTIVE,
    /**
     * Self-distillation with the whole batch: every triple's margin is compared with the rescaled similarity of
     * its negative to every positive in the batch (requires {@code inBatchNegatives = false}).
     */
    DISTRIBUTED
}

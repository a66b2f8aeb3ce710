package org.sparktrain.losses.contrastive;

/**
 * When the moving average u_i is initialized to the batch estimate (γ = 1) instead of blended with γ. A sample is
 * unvisited while its stored u_i is 0 (the initial state; a visit always stores u_i ≥ {@code uFloor} &gt; 0).
 */
public enum FirstVisitRule {
    /** γ = 1 for every unvisited sample, γ for the others: the spec's rule "on the first visit u_i = g_i". Default. */
    PER_SAMPLE,
    /** LibAUC's check: γ = 1 for the whole batch (block) only if every u_i in it is 0, else γ for all of it. */
    BATCH
}

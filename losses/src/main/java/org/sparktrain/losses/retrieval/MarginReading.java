package org.sparktrain.losses.retrieval;

/**
 * Which margin an entry (i, j) of the B×B loss matrix pairs with the target T_ij = (cos(d_i+, d_j−) + 1)/2 in
 * the in-batch and distributed variants of {@link RelevanceMarginLoss}.
 */
public enum MarginReading {
    /**
     * What the reference code computes ({@code pos.diag() - neg} broadcasts a (B) vector along rows):
     * in-batch M_ij = cos(q_j, d_j+) − cos(q_i, d_j−); distributed margin m_j = cos(q_j,d_j+) − cos(q_j,d_j−) for
     * every row i. This reproduces the published runs and is the default.
     */
    BROADCAST,
    /**
     * Query i's positive against negative j: in-batch M_ij = cos(q_i, d_i+) − cos(q_i, d_j−); distributed margin
     * m_i = cos(q_i,d_i+) − cos(q_i,d_i−) for every column j. An ablation (spec §b); equals BROADCAST when all
     * rows of a batch share the query and its positive.
     */
    SYMMETRIC
}

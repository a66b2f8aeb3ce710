package org.sparktrain.data.sampling;

import java.io.Serializable;

/**
 * One k-means cluster of a sensitivity selection.
 *
 * @param cluster            cluster index
 * @param size               records in the cluster
 * @param representative     id of the record nearest to the center (the center "rounded" to a real record)
 * @param representativeLoss ℓ(rep), the model's loss at the representative (0 without a model)
 * @param mass               Σ_{x in cluster} v(x)
 */
public record ClusterSummary(int cluster, long size, long representative, double representativeLoss, double mass)
        implements Serializable {
}

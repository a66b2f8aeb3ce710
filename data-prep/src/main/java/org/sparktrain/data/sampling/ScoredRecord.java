package org.sparktrain.data.sampling;

import java.io.Serializable;

/**
 * One record's sampling mass: v(x) = ℓ̂(x) + λ·dist(x)^z with ℓ̂(x) = ℓ(A(x)) the loss of its cluster's
 * representative and dist(x) = ‖e_x − e_A(x)‖ (see {@link SensitivitySampling}).
 *
 * @param id       the record's stable id
 * @param cluster  its k-means cluster, -1 for uniform sampling
 * @param distance ‖e_x − e_A(x)‖, 0 for uniform sampling
 * @param mass     v(x) >= 0
 */
public record ScoredRecord(long id, int cluster, double distance, double mass) implements Serializable {
}

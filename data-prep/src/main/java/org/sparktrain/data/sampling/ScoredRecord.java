package org.sparktrain.data.sampling;

import java.io.Serializable;

/**
 * One record's sampling mass: v(x) = ℓ̂(x) + λ·dist(x)^z with ℓ̂(x) = ℓ(A(x)) the loss of its cluster's
 * representative and dist(x) = ‖e_x − e_A(x)‖ (see {@link SensitivityScores}). A plain class rather than a record
 * so that Spark's Kryo serializer (field access) can rebuild it.
 */
public final class ScoredRecord implements Serializable {
    private static final long serialVersionUID = 1L;
    private long id;
    private int cluster;
    private double distance;
    private double mass;

    @SuppressWarnings("unused")
    private ScoredRecord() {
        // for Kryo
    }

    /**
     * @param id       the record's stable id
     * @param cluster  its k-means cluster, -1 for uniform sampling
     * @param distance ‖e_x − e_A(x)‖, 0 for uniform sampling
     * @param mass     v(x) >= 0
     */
    public ScoredRecord(long id, int cluster, double distance, double mass) {
        this.id = id;
        this.cluster = cluster;
        this.distance = distance;
        this.mass = mass;
    }

    public long id() {
        return id;
    }

    public int cluster() {
        return cluster;
    }

    public double distance() {
        return distance;
    }

    public double mass() {
        return mass;
    }

    @Override
    public String toString() {
        return "ScoredRecord[id=" + id + ", cluster=" + cluster + ", distance=" + distance + ", mass=" + mass + "]";
    }
}

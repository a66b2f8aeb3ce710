package org.sparktrain.data.sampling;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What a selection did, written as {@code selection.json} beside the selected dataset's manifest.
 *
 * @param method         {@code sensitivity}, {@code uniform}, {@code margin}, {@code leverage} or {@code kcenter}
 * @param source         path of the source prepared dataset
 * @param model          the model used for ℓ and/or the embedding, or null
 * @param embedding      raw, pca, model, or none (uniform)
 * @param populationSize n, records of the source's train split
 * @param m              number of draws
 * @param rows           distinct records drawn (rows of the selection)
 * @param k              clusters asked for (0 for uniform, margin, leverage, kcenter)
 * @param lambda         λ
 * @param z              z
 * @param seed           seed of k-means and the draws
 * @param totalMass      Z = Σ_x v(x)
 * @param kmeansCost     Spark's k-means cost Σ_x ‖e_x − C_A(x)‖²
 * @param weightMin      smallest row weight multiplicity/(m·p)
 * @param weightMax      largest row weight
 * @param weightSum      Σ of the row weights (its expectation is n)
 * @param seconds        wall time of the selection
 * @param clusters       per cluster: size, representative, its loss, mass
 * @param coveringRadius kcenter only (else null, and not written): max_x of the distance from e_x to its nearest
 *                       selected center, {@link KCenterGreedy}
 */
public record SelectionResult(String method, String source, String model, String embedding, long populationSize,
                              long m, long rows, int k, double lambda, double z, long seed, double totalMass,
                              double kmeansCost, double weightMin, double weightMax, double weightSum, double seconds,
                              List<ClusterSummary> clusters,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Double coveringRadius) {
}

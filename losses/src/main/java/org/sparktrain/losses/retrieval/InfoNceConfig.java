package org.sparktrain.losses.retrieval;

import org.sparktrain.losses.SimilarityKind;

/**
 * Settings of {@link InfoNceLoss}.
 *
 * @param temperature      τ &gt; 0 dividing the scores; default 0.05 (a scale of 20 on cosines, the usual choice for
 *                         sentence-embedding bi-encoders)
 * @param similarity       COSINE (default, the bi-encoder's scoring) or DOT
 * @param inBatchNegatives every other triple's documents are negatives of query i (default true); when false query i
 *                         sees only its own positive and its own negative (requires {@code hardNegatives})
 * @param hardNegatives    include the triples' negatives d− as candidate columns (default true); when false only
 *                         the batch's positives are candidates
 */
public record InfoNceConfig(double temperature, SimilarityKind similarity, boolean inBatchNegatives,
                            boolean hardNegatives) {
    public InfoNceConfig {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive finite number, got " + temperature);
        }
        if (similarity == null) {
            throw new IllegalArgumentException("similarity must be set");
        }
        if (!inBatchNegatives && !hardNegatives) {
            throw new IllegalArgumentException("inBatchNegatives=false needs hardNegatives=true: otherwise a query has"
                    + " no negative at all");
        }
    }

    public static InfoNceConfig defaults() {
        return new InfoNceConfig(0.05, SimilarityKind.COSINE, true, true);
    }

    public InfoNceConfig withTemperature(double t) {
        return new InfoNceConfig(t, similarity, inBatchNegatives, hardNegatives);
    }

    public InfoNceConfig withSimilarity(SimilarityKind s) {
        return new InfoNceConfig(temperature, s, inBatchNegatives, hardNegatives);
    }

    public InfoNceConfig withInBatchNegatives(boolean on) {
        return new InfoNceConfig(temperature, similarity, on, hardNegatives);
    }

    public InfoNceConfig withHardNegatives(boolean on) {
        return new InfoNceConfig(temperature, similarity, inBatchNegatives, on);
    }
}

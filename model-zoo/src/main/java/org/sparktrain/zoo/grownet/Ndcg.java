package org.sparktrain.zoo.grownet;

import java.util.Arrays;
import java.util.Comparator;

/**
 * nDCG@k of one query's scored documents, GrowNet's validation metric for learning to rank:
 * DCG@k = Σ_{rank ≤ k} (2^rel − 1) / log2(rank + 1) of the documents sorted by descending score (ties keep their
 * input order), divided by the DCG@k of the same documents sorted by descending relevance. The exponential gain
 * 2^rel − 1 is Burges et al.'s (2005) and sparktrain's retrieval metric's; the GrowNet reference code uses the
 * identity gain (see the spec), so numbers differ from the paper's by definition. A query whose documents all have
 * relevance 0 has no ideal DCG: {@link #at} returns NaN and callers skip it.
 */
public final class Ndcg {
    private Ndcg() {
    }

    /** nDCG@k of the documents {@code from .. to − 1} of {@code scores} and {@code relevance}; NaN if IDCG = 0. */
    public static double at(double[] scores, double[] relevance, int from, int to, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        int n = to - from;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = from + i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i])); // stable: ties keep order
        double[] ideal = Arrays.copyOfRange(relevance, from, to);
        Arrays.sort(ideal);
        double dcg = 0;
        double idcg = 0;
        for (int r = 0; r < Math.min(k, n); r++) {
            double discount = Math.log(r + 2) / Math.log(2);
            dcg += (Math.pow(2, relevance[order[r]]) - 1) / discount;
            idcg += (Math.pow(2, ideal[n - 1 - r]) - 1) / discount;
        }
        return idcg == 0 ? Double.NaN : dcg / idcg;
    }
}

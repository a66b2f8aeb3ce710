package org.sparktrain.zoo.grownet;

/**
 * The RankNet pairwise loss as GrowNet boosts it for learning to rank, with its per-document gradient g and the
 * Newton weight h of the spec, in double precision on plain Java arrays.
 *
 * <p>Layout: the scores s and graded relevances r of a batch's documents (rows), grouped into queries by
 * {@code starts}: query q holds rows {@code starts[q] .. starts[q+1] − 1} ({@code starts[0] = 0},
 * {@code starts[Q] = rows}). Pairs never cross queries. Within a query, with σ = {@link #SIGMA} and
 * Δ_ij = s_i − s_j:
 * <pre>
 *   S_ij = sign(r_i − r_j),   ρ_ij = 1 / (1 + e^{σ Δ_ij})
 *   C_ij = ½ (1 − S_ij) σ Δ_ij + log(1 + e^{−σ Δ_ij})          (RankNet cross entropy, target ½(1 + S_ij))
 *   L_q  = Σ_{i &lt; j} C_ij                                      (every unordered pair; C_ij = C_ji)
 *   g_i  = Σ_j σ (½ (1 − S_ij) − ρ_ij)         = ∂L_q/∂s_i      (the j = i term is 0)
 *   h_i  = Σ_j σ² ρ_ij (1 − ρ_ij)              = ∂²L_q/∂s_i² + σ²/4
 * </pre>
 * The sums run over every j of the query, equal-label pairs (S_ij = 0, pulling the two scores together) and j = i
 * included, exactly as the spec gives them; the j = i term adds σ²/4 to h, which keeps h &gt; 0 (so the Newton
 * target ỹ = −g/h is always defined) and damps the step like a small L2 term on f. The batch loss is Σ_q L_q; the
 * corrective step's engine weight is the number of queries, so its mean is the RankNet loss averaged per query.
 *
 * <p>References: C. Burges et al., "Learning to Rank using Gradient Descent", ICML 2005 (RankNet); Badirli et al.,
 * "Gradient Boosting Neural Networks: GrowNet", arXiv:2002.07971, 2020 (learning to rank with GrowNet).
 */
public final class PairwiseRankNet {
    /** σ of the RankNet sigmoid (1, as in the reference code). */
    public static final double SIGMA = 1.0;

    private PairwiseRankNet() {
    }

    /** Per-document g and h (rows each). */
    public record Statistics(double[] g, double[] h) {
    }

    /** g and h of every document, query by query (see the class comment). */
    public static Statistics statistics(double[] s, double[] r, int[] starts) {
        checkLayout(s, r, starts);
        double[] g = new double[s.length];
        double[] h = new double[s.length];
        for (int q = 0; q + 1 < starts.length; q++) {
            for (int i = starts[q]; i < starts[q + 1]; i++) {
                double gi = 0;
                double hi = 0;
                for (int j = starts[q]; j < starts[q + 1]; j++) {
                    double rho = rho(s[i] - s[j]);
                    gi += SIGMA * (0.5 * (1 - Math.signum(r[i] - r[j])) - rho);
                    hi += SIGMA * SIGMA * rho * (1 - rho);
                }
                g[i] = gi;
                h[i] = hi;
            }
        }
        return new Statistics(g, h);
    }

    /** Σ_q L_q, the batch's summed RankNet loss. */
    public static double loss(double[] s, double[] r, int[] starts) {
        checkLayout(s, r, starts);
        double sum = 0;
        for (int q = 0; q + 1 < starts.length; q++) {
            for (int i = starts[q]; i < starts[q + 1]; i++) {
                for (int j = i + 1; j < starts[q + 1]; j++) {
                    double d = SIGMA * (s[i] - s[j]);
                    sum += 0.5 * (1 - Math.signum(r[i] - r[j])) * d + GrowNetTask.softplus(-d);
                }
            }
        }
        return sum;
    }

    /**
     * The weak learner's targets and weights from g and h: second order ỹ = −g/h with weight h, first order ỹ = −g
     * with weight 1 (as {@link GrowNetTask#target} for the pointwise tasks).
     *
     * @param target out: ỹ (rows)
     * @param weight out: h or 1 (rows)
     */
    public static void targets(double[] s, double[] r, int[] starts, boolean secondOrder, double[] target,
                               double[] weight) {
        Statistics st = statistics(s, r, starts);
        for (int i = 0; i < s.length; i++) {
            if (secondOrder) {
                target[i] = -st.g()[i] / st.h()[i];
                weight[i] = st.h()[i];
            } else {
                target[i] = -st.g()[i];
                weight[i] = 1;
            }
        }
    }

    /** Number of queries of a layout. */
    public static int queries(int[] starts) {
        return starts.length - 1;
    }

    private static double rho(double delta) {
        return GrowNetTask.sigmoid(-SIGMA * delta); // 1 / (1 + e^{σΔ})
    }

    static void checkLayout(double[] s, double[] r, int[] starts) {
        if (s.length != r.length) {
            throw new IllegalArgumentException(s.length + " scores but " + r.length + " relevance labels");
        }
        if (starts == null || starts.length < 1 || starts[0] != 0 || starts[starts.length - 1] != s.length) {
            throw new IllegalArgumentException("query starts must run from 0 to the number of rows (" + s.length
                    + ")");
        }
        for (int q = 1; q < starts.length; q++) {
            if (starts[q] < starts[q - 1]) {
                throw new IllegalArgumentException("query starts must not decrease (query " + q + ")");
            }
        }
    }
}

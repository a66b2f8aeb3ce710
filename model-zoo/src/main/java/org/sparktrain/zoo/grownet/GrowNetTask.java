package org.sparktrain.zoo.grownet;

/**
 * The loss GrowNet boosts, with its first and second derivatives in the ensemble score F.
 *
 * <ul>
 *   <li>{@link #REGRESSION}: Newton statistics of l = ½(y − F)²: g = F − y, h = 1, so the target is ỹ = y − F.
 *       The fully corrective step minimises the mean squared error (y − F)² (the reference code's {@code MSELoss}).
 *       Initial score c0 = mean(y).</li>
 *   <li>{@link #BINARY}: labels y ∈ {−1, +1}, l = log(1 + e^{−yF}): g = −y/(1 + e^{yF}),
 *       h = 1/((1 + e^{yF})(1 + e^{−yF})) = p(1 − p), ỹ = −g/h = y(1 + e^{−yF}). The corrective step minimises the
 *       same l (BCE-with-logits on (y+1)/2). Initial score c0 = log(#pos/#neg).</li>
 *   <li>{@link #RANKING}: learning to rank with the RankNet pairwise loss. Labels are graded relevances r &ge; 0;
 *       g and h are sums over the pairs of a query, so they are not per-example: {@link PairwiseRankNet} computes
 *       them (the per-example methods here refuse this task). Initial score c0 = mean((2^r − 1)/16), the reference
 *       code's value (a constant shift, irrelevant for the ranking).</li>
 * </ul>
 * First-order targets (the paper's ablation) use h = 1 and ỹ = −g (the reference script never defines h in its
 * first-order branch; h = 1 is the intended reading).
 *
 * <p>Reference: S. Badirli, X. Liu, Z. Xing, A. Bhowmik, K. Doan, S. S. Keerthi, "Gradient Boosting Neural Networks:
 * GrowNet", arXiv:2002.07971, 2020.
 */
public enum GrowNetTask {
    REGRESSION,
    BINARY,
    RANKING;

    /** A Newton (or first-order) target ỹ and its weight h for one example. */
    public record Target(double target, double weight) {
    }

    /** The loss the corrective step minimises (and the stage-wise boosting follows), for one example. */
    public double loss(double y, double score) {
        requirePointwise();
        if (this == REGRESSION) {
            double r = y - score;
            return r * r;
        }
        return softplus(-y * score); // log(1 + e^{-yF})
    }

    /** d loss / d F of {@link #loss}. */
    public double lossGradient(double y, double score) {
        requirePointwise();
        if (this == REGRESSION) {
            return 2 * (score - y);
        }
        return -y * sigmoid(-y * score); // -y / (1 + e^{yF})
    }

    /**
     * The weak learner's target and weight at the current score: second order ỹ = −g/h with weight h, first order
     * ỹ = −g with weight 1. For regression both are (y − F, 1).
     */
    public Target target(double y, double score, boolean secondOrder) {
        requirePointwise();
        if (this == REGRESSION) {
            return new Target(y - score, 1.0);
        }
        double g = -y * sigmoid(-y * score);
        if (!secondOrder) {
            return new Target(-g, 1.0);
        }
        double p = sigmoid(y * score);
        double h = p * (1 - p); // = 1/((1 + e^{yF})(1 + e^{-yF}))
        return new Target(y * (1 + Math.exp(-y * score)), h);
    }

    /** Checks a label and maps it to the task's convention (binary: 0/1 or −1/+1 to −1/+1; ranking: r &ge; 0). */
    public double canonicalLabel(double label, String where) {
        if (!Double.isFinite(label)) {
            throw new IllegalArgumentException(where + ": label " + label + " is not finite");
        }
        if (this == REGRESSION) {
            return label;
        }
        if (this == RANKING) {
            if (label < 0) {
                throw new IllegalArgumentException(where + ": relevance label must be >= 0, got " + label);
            }
            return label;
        }
        if (label == 1) {
            return 1;
        }
        if (label == 0 || label == -1) {
            return -1;
        }
        throw new IllegalArgumentException(where + ": binary label must be 0/1 or -1/+1, got " + label);
    }

    /**
     * One example's term of the sum {@link #initialScore} takes: the canonical label y, or (2^y − 1)/16 for
     * {@link #RANKING}.
     */
    public double initialScoreTerm(double y) {
        return this == RANKING ? (Math.pow(2, y) - 1) / 16 : y;
    }

    /**
     * c0 from the sum of {@link #initialScoreTerm} over the examples and their count: mean(y) (regression),
     * log(#pos/#neg) (binary), mean((2^r − 1)/16) (ranking).
     */
    public double initialScore(double labelSum, long count) {
        return initialScore(labelSum, (double) count);
    }

    /**
     * c0 from the sum and count of {@link #initialScoreTerm}, either plain or with record weights c_i: the weighted
     * label sum Σ c_i y_i and the weight sum C = Σ c_i give the weighted mean Σ c_i y_i / C (regression) and the
     * weighted log-odds log(Σ_pos c_i / Σ_neg c_i) (binary), as if row i were repeated c_i times.
     */
    public double initialScore(double labelSum, double count) {
        if (count == 0) {
            throw new IllegalArgumentException("no training examples");
        }
        if (this == REGRESSION || this == RANKING) {
            return labelSum / count;
        }
        double pos = (count + labelSum) / 2;
        double neg = count - pos;
        if (pos == 0 || neg == 0) {
            boolean whole = count == Math.rint(count);
            throw new IllegalArgumentException("binary training data has only one class ("
                    + (whole ? Long.toString((long) pos) : Double.toString(pos)) + " positive, "
                    + (whole ? Long.toString((long) neg) : Double.toString(neg)) + " negative" + (whole ? "" : " (weighted)")
                    + ")");
        }
        return Math.log(pos / neg);
    }

    private void requirePointwise() {
        if (this == RANKING) {
            throw new IllegalStateException("RANKING is a pairwise loss over a query; use PairwiseRankNet");
        }
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    static double softplus(double z) {
        return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }
}

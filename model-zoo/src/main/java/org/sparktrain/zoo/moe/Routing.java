package org.sparktrain.zoo.moe;

/**
 * The top-K choice of one MoE layer for T tokens, computed in plain Java from the scores and the balancing bias.
 *
 * <p>𝒯_t = TopK_i(s_{t,i} + b_i, K): the bias only decides <em>which</em> experts a token goes to (ties go to the
 * lower expert index, so the choice is deterministic). {@code counts[i]} = |{t : i ∈ 𝒯_t}|, the load the loss-free
 * bias update and MaxVio use; Σ_i counts[i] = T·K.
 *
 * @param chosen  (T, K) expert indices of each token, in descending order of s + b
 * @param tokens  per expert, the tokens routed to it in increasing order
 * @param counts  per expert, the number of tokens routed to it
 */
public record Routing(int[][] chosen, int[][] tokens, long[] counts) {
    /** Top-K selection on s + b; {@code scores} is (T, N) row-major, {@code bias} has N entries (null = zeros). */
    public static Routing select(double[][] scores, double[] bias, int k) {
        int t = scores.length;
        int n = t == 0 ? (bias == null ? 0 : bias.length) : scores[0].length;
        int[][] chosen = new int[t][k];
        long[] counts = new long[n];
        for (int row = 0; row < t; row++) {
            boolean[] taken = new boolean[n];
            for (int slot = 0; slot < k; slot++) {
                int best = -1;
                double bestValue = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    double v = scores[row][i] + (bias == null ? 0 : bias[i]);
                    if (!taken[i] && (best < 0 || v > bestValue)) {
                        best = i;
                        bestValue = v;
                    }
                }
                taken[best] = true;
                chosen[row][slot] = best;
                counts[best]++;
            }
        }
        int[][] tokens = new int[n][];
        int[] fill = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = new int[(int) counts[i]];
        }
        for (int row = 0; row < t; row++) {
            for (int i : sortedCopy(chosen[row])) {
                tokens[i][fill[i]++] = row;
            }
        }
        return new Routing(chosen, tokens, counts);
    }

    private static int[] sortedCopy(int[] a) {
        int[] c = a.clone();
        java.util.Arrays.sort(c);
        return c;
    }

    /** Whether token t chose expert i. */
    public boolean selects(int t, int i) {
        for (int c : chosen[t]) {
            if (c == i) {
                return true;
            }
        }
        return false;
    }
}

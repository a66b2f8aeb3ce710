package org.sparktrain.retrieval.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The negative draw shared by the triple miners ({@link Bm25TripleMiner}, {@link DenseNegativeMiner}): for every
 * positive (in the given order), {@code k} distinct negatives drawn uniformly without replacement from the pool (a
 * partial Fisher-Yates shuffle of a copy of the pool), consuming {@code rng} in this fixed order.
 */
final class TripleSampler {
    private TripleSampler() {
    }

    static void sample(String queryId, Set<String> positives, List<String> pool, int k, SplittableRandom rng,
                       List<TrainingTriple> out) {
        for (String p : positives) {
            int take = Math.min(k, pool.size());
            List<String> shuffled = new ArrayList<>(pool);
            for (int i = 0; i < take; i++) {   // partial Fisher-Yates: the first `take` entries are the draw
                int j = i + rng.nextInt(shuffled.size() - i);
                String t = shuffled.get(i);
                shuffled.set(i, shuffled.get(j));
                shuffled.set(j, t);
                out.add(new TrainingTriple(queryId, p, shuffled.get(i)));
            }
        }
    }
}

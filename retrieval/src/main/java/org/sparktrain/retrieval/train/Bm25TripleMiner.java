package org.sparktrain.retrieval.train;

import org.sparktrain.retrieval.bm25.Bm25Index;
import org.sparktrain.retrieval.eval.Qrels;
import org.sparktrain.retrieval.eval.ScoredDoc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Training triples (q, d+, d−) from judged queries with BM25 hard negatives (Apache Lucene BM25 through
 * {@link Bm25Index}), as for the bi-encoder fine-tuning of Gienapp et al. (ICTIR 2025), whose MS MARCO triples also
 * pair judged positives with BM25-retrieved negatives.
 *
 * <p>For every query (in the given order) with at least one judged document of relevance &ge; {@code minRelevance}:
 * the top {@code depth} BM25 documents of its text <em>excluding every judged positive of that query</em> form the
 * negative pool; for every positive (in qrels order), {@code negativesPerPositive} distinct negatives are drawn
 * uniformly from the pool without replacement by {@code SplittableRandom(seed)} (consumed in this fixed order, so the
 * same inputs and seed give the same triples). Judged non-relevant documents may be negatives. A query whose pool is
 * empty (no term matches) yields no triples.
 */
public final class Bm25TripleMiner {
    private final Bm25Index index;
    private final int depth;
    private final int negativesPerPositive;
    private final int minRelevance;

    public Bm25TripleMiner(Bm25Index index, int depth, int negativesPerPositive, int minRelevance) {
        if (depth < 1 || negativesPerPositive < 1 || minRelevance < 1) {
            throw new IllegalArgumentException("depth, negativesPerPositive and minRelevance must be >= 1, got "
                    + depth + ", " + negativesPerPositive + ", " + minRelevance);
        }
        this.index = index;
        this.depth = depth;
        this.negativesPerPositive = negativesPerPositive;
        this.minRelevance = minRelevance;
    }

    /**
     * @param queryIds the training queries, in the order triples are produced
     * @param queries  query id to text (must contain every id of {@code queryIds})
     * @param qrels    judgments
     * @param seed     seed of the negative sampling
     */
    public List<TrainingTriple> mine(Collection<String> queryIds, Map<String, String> queries, Qrels qrels,
                                     long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<TrainingTriple> out = new ArrayList<>();
        for (String q : queryIds) {
            String text = queries.get(q);
            if (text == null) {
                throw new IllegalArgumentException("query " + q + " has no text");
            }
            Set<String> positives = new LinkedHashSet<>();
            qrels.judgments(q).forEach((doc, rel) -> {
                if (rel >= minRelevance) {
                    positives.add(doc);
                }
            });
            if (positives.isEmpty()) {
                continue;
            }
            List<String> pool = new ArrayList<>();
            for (ScoredDoc d : index.search(text, depth, new HashSet<>(positives))) {
                pool.add(d.docId());
            }
            if (pool.isEmpty()) {
                continue;
            }
            TripleSampler.sample(q, positives, pool, negativesPerPositive, rng, out);
        }
        return out;
    }
}

package org.sparktrain.retrieval.train;

import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.eval.Qrels;
import org.sparktrain.retrieval.search.ExactTopK;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Training triples (q, d+, d−) with hard negatives mined by the current model: the negative pool of a query is its
 * top {@code depth} documents by cosine of the model's embeddings (exact search, {@link ExactTopK}: ND4J blocked
 * matrix products), <em>excluding every judged positive of that query</em> (relevance &ge; {@code minRelevance}),
 * so a relevant document the model already ranks high is never pushed away. Negatives are drawn from the pool as
 * for {@link Bm25TripleMiner} ({@code negativesPerPositive} per positive, {@code SplittableRandom(seed)}).
 * Dense retrieval of hard negatives from the model being trained: Xiong et al., "Approximate Nearest Neighbor
 * Negative Contrastive Learning for Dense Text Retrieval" (ANCE), ICLR 2021.
 */
public final class DenseNegativeMiner {
    private final List<String> docIds;
    private final float[][] docEmbeddings;
    private final int depth;
    private final int negativesPerPositive;
    private final int minRelevance;

    /**
     * @param docIds        corpus ids, aligned with {@code docEmbeddings}
     * @param docEmbeddings the current model's unit embeddings of the corpus
     */
    public DenseNegativeMiner(List<String> docIds, float[][] docEmbeddings, int depth, int negativesPerPositive,
                              int minRelevance) {
        if (depth < 1 || negativesPerPositive < 1 || minRelevance < 1) {
            throw new IllegalArgumentException("depth, negativesPerPositive and minRelevance must be >= 1, got "
                    + depth + ", " + negativesPerPositive + ", " + minRelevance);
        }
        if (docIds.size() != docEmbeddings.length || docIds.isEmpty()) {
            throw new IllegalArgumentException(docIds.size() + " document ids for " + docEmbeddings.length
                    + " embeddings (need the same, non-zero number)");
        }
        this.docIds = List.copyOf(docIds);
        this.docEmbeddings = docEmbeddings;
        this.depth = depth;
        this.negativesPerPositive = negativesPerPositive;
        this.minRelevance = minRelevance;
    }

    /**
     * @param queryIds        the training queries, in the order triples are produced
     * @param queryEmbeddings query id to the current model's embedding (must hold every id of {@code queryIds})
     */
    public List<TrainingTriple> mine(Collection<String> queryIds, Map<String, float[]> queryEmbeddings, Qrels qrels,
                                     long seed) {
        List<String> ids = new ArrayList<>();
        List<Set<String>> positives = new ArrayList<>();
        int most = 0;
        for (String q : queryIds) {
            if (!queryEmbeddings.containsKey(q)) {
                throw new IllegalArgumentException("query " + q + " has no embedding");
            }
            Set<String> pos = new LinkedHashSet<>();
            qrels.judgments(q).forEach((doc, rel) -> {
                if (rel >= minRelevance) {
                    pos.add(doc);
                }
            });
            if (!pos.isEmpty()) {
                ids.add(q);
                positives.add(pos);
                most = Math.max(most, pos.size());
            }
        }
        List<TrainingTriple> out = new ArrayList<>();
        if (ids.isEmpty()) {
            return out;
        }
        float[][] qe = new float[ids.size()][];
        for (int i = 0; i < qe.length; i++) {
            qe[i] = queryEmbeddings.get(ids.get(i));
        }
        // depth + (most positives) hits leave at least `depth` after removing the positives
        int k = Math.min(docIds.size(), depth + most);
        ExactTopK.Result top = ExactTopK.search(Nd4j.createFromArray(qe), Nd4j.createFromArray(docEmbeddings), k, 256);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < ids.size(); i++) {
            List<String> pool = new ArrayList<>();
            for (long row : top.rows()[i]) {
                String doc = docIds.get((int) row);
                if (!positives.get(i).contains(doc) && pool.size() < depth) {
                    pool.add(doc);
                }
            }
            if (!pool.isEmpty()) {
                TripleSampler.sample(ids.get(i), positives.get(i), pool, negativesPerPositive, rng, out);
            }
        }
        return out;
    }

    /** Embeddings of texts by id with an encoder (batches of 64), for the corpus or the queries. */
    public static Map<String, float[]> encode(TextEncoder encoder, Map<String, String> texts) {
        List<String> keys = new ArrayList<>(texts.keySet());
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int from = 0; from < keys.size(); from += 64) {
            List<String> ids = keys.subList(from, Math.min(keys.size(), from + 64));
            float[][] e = encoder.encode(ids.stream().map(texts::get).toList());
            for (int r = 0; r < e.length; r++) {
                out.put(ids.get(r), e[r]);
            }
        }
        return out;
    }
}

package org.sparktrain.retrieval.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Relevance judgments: query id to (document id to graded relevance). Relevance is a non-negative integer, higher
 * is more relevant, 0 judged not relevant; unjudged documents count as 0. For Cranfield, data-prep's
 * {@code CranfieldQrelsReader} maps Cleverdon's grades to relevance as {@code 5 - grade} for grades 1..4 (complete
 * answer 4, high relevance 3, useful background 2, minimum interest 1) and 0 for grade -1 (see docs/retrieval.md).
 */
public final class Qrels {
    private final Map<String, Map<String, Integer>> judgments;

    private Qrels(Map<String, Map<String, Integer>> judgments) {
        this.judgments = judgments;
    }

    /** Qrels from query id to (document id to relevance); negative relevance is an error. */
    public static Qrels of(Map<String, ? extends Map<String, Integer>> byQuery) {
        Map<String, Map<String, Integer>> m = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends Map<String, Integer>> e : byQuery.entrySet()) {
            for (Map.Entry<String, Integer> j : e.getValue().entrySet()) {
                if (j.getValue() == null || j.getValue() < 0) {
                    throw new IllegalArgumentException("query " + e.getKey() + ", document " + j.getKey()
                            + ": relevance must be >= 0, got " + j.getValue());
                }
            }
            m.put(e.getKey(), Collections.unmodifiableMap(new LinkedHashMap<>(e.getValue())));
        }
        return new Qrels(Collections.unmodifiableMap(m));
    }

    /** The judged query ids. */
    public Set<String> queryIds() {
        return judgments.keySet();
    }

    /** The judgments of a query (empty when it has none). */
    public Map<String, Integer> judgments(String queryId) {
        return judgments.getOrDefault(queryId, Map.of());
    }

    /** The relevance of a document for a query, 0 when unjudged. */
    public int relevance(String queryId, String docId) {
        return judgments(queryId).getOrDefault(docId, 0);
    }

    /** How many documents of a query have relevance at least {@code minRelevance}. */
    public int relevantCount(String queryId, int minRelevance) {
        int n = 0;
        for (int r : judgments(queryId).values()) {
            if (r >= minRelevance) {
                n++;
            }
        }
        return n;
    }

    /** These qrels restricted to the given query ids (ids without judgments are dropped). */
    public Qrels restrictTo(Set<String> queryIds) {
        Map<String, Map<String, Integer>> m = new LinkedHashMap<>();
        for (String q : queryIds) {
            if (judgments.containsKey(q)) {
                m.put(q, judgments.get(q));
            }
        }
        return new Qrels(Collections.unmodifiableMap(m));
    }
}

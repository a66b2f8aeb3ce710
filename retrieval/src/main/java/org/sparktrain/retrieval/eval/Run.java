package org.sparktrain.retrieval.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A retrieval run: for every query id, its retrieved documents in rank order. Each list is sorted in
 * {@link ScoredDoc#TREC_ORDER} when the run is built, so a run read from a file and the run it was written from rank
 * identically; a document may appear only once per query.
 */
public final class Run {
    private final Map<String, List<ScoredDoc>> ranked;

    private Run(Map<String, List<ScoredDoc>> ranked) {
        this.ranked = ranked;
    }

    /** A run from query id to retrieved documents (any order; they are ranked by score). */
    public static Run of(Map<String, ? extends List<ScoredDoc>> byQuery) {
        Map<String, List<ScoredDoc>> m = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends List<ScoredDoc>> e : byQuery.entrySet()) {
            List<ScoredDoc> docs = new ArrayList<>(e.getValue());
            Set<String> seen = new HashSet<>();
            for (ScoredDoc d : docs) {
                if (!seen.add(d.docId())) {
                    throw new IllegalArgumentException("query " + e.getKey() + " retrieves document " + d.docId()
                            + " twice");
                }
            }
            docs.sort(ScoredDoc.TREC_ORDER);
            m.put(e.getKey(), Collections.unmodifiableList(docs));
        }
        return new Run(Collections.unmodifiableMap(m));
    }

    /** The query ids, in the order they were given. */
    public Set<String> queryIds() {
        return ranked.keySet();
    }

    /** The ranked documents of a query; empty when the run has none for it. */
    public List<ScoredDoc> ranking(String queryId) {
        return ranked.getOrDefault(queryId, List.of());
    }

    /** The whole run, query id to ranked documents. */
    public Map<String, List<ScoredDoc>> asMap() {
        return ranked;
    }
}

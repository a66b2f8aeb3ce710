package org.sparktrain.retrieval.train;

/** One training triple by ids: a query, a judged relevant document of it, and a negative document. */
public record TrainingTriple(String queryId, String positiveId, String negativeId) {
    public TrainingTriple {
        if (queryId == null || positiveId == null || negativeId == null) {
            throw new IllegalArgumentException("a triple needs a query, a positive and a negative id");
        }
        if (positiveId.equals(negativeId)) {
            throw new IllegalArgumentException("query " + queryId + ": positive and negative are the same document "
                    + positiveId);
        }
    }
}

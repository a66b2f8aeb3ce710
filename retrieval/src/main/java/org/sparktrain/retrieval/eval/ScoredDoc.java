package org.sparktrain.retrieval.eval;

import java.util.Comparator;

/**
 * One retrieved document and its score.
 *
 * @param docId the document's id
 * @param score the retrieval score, higher is better
 */
public record ScoredDoc(String docId, double score) {
    /**
     * trec_eval's ranking order: score descending, ties broken by document id in descending string order (trec_eval
     * sorts on {@code (score, docno)} both descending and ignores the rank column of a run file).
     */
    public static final Comparator<ScoredDoc> TREC_ORDER =
            Comparator.comparingDouble(ScoredDoc::score).reversed().thenComparing(ScoredDoc::docId,
                    Comparator.reverseOrder());

    public ScoredDoc {
        if (docId == null || docId.isEmpty()) {
            throw new IllegalArgumentException("docId must not be empty");
        }
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("score of document " + docId + " is NaN");
        }
    }
}

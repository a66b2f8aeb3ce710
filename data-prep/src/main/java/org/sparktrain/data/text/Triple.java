package org.sparktrain.data.text;

/**
 * One training triple: a query with a relevant (positive) and a non-relevant (negative) document, given either by
 * ids (MS MARCO {@code qidpidtriples}: {@code qid, pid+, pid-}) or by text ({@code triples.train.small.tsv}:
 * query, positive passage, negative passage). The other three fields are null.
 *
 * @param queryId    query id (id triples)
 * @param positiveId positive document id (id triples)
 * @param negativeId negative document id (id triples)
 * @param query      query text (text triples)
 * @param positive   positive document text (text triples)
 * @param negative   negative document text (text triples)
 * @param location   {@code file:line}
 */
public record Triple(String queryId, String positiveId, String negativeId, String query, String positive,
                     String negative, String location) {
    /** A triple of ids. */
    public static Triple ofIds(String queryId, String positiveId, String negativeId, String location) {
        return new Triple(queryId, positiveId, negativeId, null, null, null, location);
    }

    /** A triple of texts. */
    public static Triple ofText(String query, String positive, String negative, String location) {
        return new Triple(null, null, null, query, positive, negative, location);
    }

    /** Whether the triple holds ids (else texts). */
    public boolean hasIds() {
        return queryId != null;
    }
}

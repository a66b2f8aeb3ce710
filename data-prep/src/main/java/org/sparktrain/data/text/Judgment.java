package org.sparktrain.data.text;

/**
 * One relevance judgment (a qrels line).
 *
 * @param queryId   the judged query's id
 * @param docId     the judged document's id
 * @param relevance graded relevance, higher is more relevant, 0 not relevant
 * @param location  {@code file:line}, for messages about unknown ids
 */
public record Judgment(String queryId, String docId, int relevance, String location) {
}

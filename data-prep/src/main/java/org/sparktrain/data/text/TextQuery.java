package org.sparktrain.data.text;

/**
 * One query as read from its file.
 *
 * @param queryId the collection's own id, as the judgments refer to it
 * @param text    the query text
 */
public record TextQuery(String queryId, String text) {
}

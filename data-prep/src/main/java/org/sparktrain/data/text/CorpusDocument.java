package org.sparktrain.data.text;

/**
 * One document of a corpus as read from its file.
 *
 * @param docId the collection's own id (a string: MS MARCO pids, BEIR {@code _id}s, Cranfield numbers)
 * @param title the title, empty when the format has none
 * @param text  the text, possibly empty (some Cranfield documents have no abstract)
 */
public record CorpusDocument(String docId, String title, String text) {
}

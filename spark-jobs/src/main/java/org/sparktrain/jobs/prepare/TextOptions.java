package org.sparktrain.jobs.prepare;

import org.sparktrain.config.Check;

import java.util.List;

/**
 * {@code text:} options of {@code sparktrain prepare} for the text sources.
 *
 * @param collection        msmarco: the collection TSV, relative to {@code dir}; default {@code collection.tsv}
 * @param queries           msmarco: query TSV files ({@code queries.train.tsv}, ...); default none
 * @param qrels             msmarco: TREC qrels files ({@code qid 0 pid rel}); need queries; default none
 * @param triples           msmarco: a triples TSV (ids {@code qid pid+ pid-} or texts); default none
 * @param triplesFormat     msmarco: {@code auto} (ids when the first line has no spaces), {@code ids}, {@code text}
 * @param split             beir: the qrels file {@code qrels/<split>.tsv}; default {@code test}
 * @param judgedQueriesOnly keep only queries with a judgment; default true for beir, false for msmarco
 * @param idField           jsonl: the id field; default none (documents numbered by line)
 * @param textField         jsonl: the text field; default {@code text}
 * @param titleField        jsonl: an optional title field; default none
 */
public record TextOptions(String collection, List<String> queries, List<String> qrels, String triples,
                          String triplesFormat, String split, Boolean judgedQueriesOnly, String idField,
                          String textField, String titleField) implements java.io.Serializable {
    public static final List<String> TRIPLES_FORMATS = List.of("auto", "ids", "text");

    public TextOptions {
        collection = collection == null ? "collection.tsv" : collection;
        queries = queries == null ? List.of() : List.copyOf(queries);
        qrels = qrels == null ? List.of() : List.copyOf(qrels);
        triplesFormat = Check.oneOf("triplesFormat", triplesFormat, "auto", TRIPLES_FORMATS);
        split = split == null ? "test" : split;
        textField = textField == null ? "text" : textField;
        if (!qrels.isEmpty() && queries.isEmpty()) {
            throw new IllegalArgumentException("queries: are required when qrels are given (the judged queries)");
        }
    }

    public static TextOptions defaults() {
        return new TextOptions(null, null, null, null, null, null, null, null, null, null);
    }
}

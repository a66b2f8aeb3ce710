package org.sparktrain.data.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;

/**
 * Reads JSON-lines text files, one JSON object per line: the files of BEIR (Thakur et al., "BEIR: A Heterogeneous Benchmark for Zero-shot Evaluation of
 * Information Retrieval Models", NeurIPS Datasets and Benchmarks 2021, arXiv:2104.08663): {@code corpus.jsonl}, one
 * object {@code {"_id", "title", "text", "metadata"}} per line, and {@code queries.jsonl},
 * {@code {"_id", "text", "metadata"}}. {@code _id} may be a string or a number; {@code title} is optional; other
 * keys are ignored; and plain JSONL corpora with configurable id, text and title fields ({@link #documents}). A
 * line that is not a JSON object, lacks the id or text field, or has a non-text value there is a
 * {@link BadRecords#MALFORMED_LINE}.
 *
 * @param <T> {@link CorpusDocument} or {@link TextQuery}
 */
public final class JsonlReader<T> extends TextRecordReader<T> {
    /** Jackson; a line with anything after its JSON object ({@code {"a": 1} x}) is malformed, not cut short. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final boolean documents;
    private final String idField;
    private final String textField;
    private final String titleField;

    private JsonlReader(SourceFile file, BadRecords bad, boolean documents, String idField, String textField,
                    String titleField) {
        super(file, bad);
        this.documents = documents;
        this.idField = idField;
        this.textField = textField;
        this.titleField = titleField;
    }

    /** The documents of a BEIR {@code corpus.jsonl}. */
    public static JsonlReader<CorpusDocument> beirDocuments(SourceFile file, BadRecords bad) {
        return new JsonlReader<>(file, bad, true, "_id", "text", "title");
    }

    /** The queries of a BEIR {@code queries.jsonl}. */
    public static JsonlReader<TextQuery> beirQueries(SourceFile file, BadRecords bad) {
        return new JsonlReader<>(file, bad, false, "_id", "text", null);
    }

    /**
     * The documents of a JSONL corpus.
     *
     * @param idField    the id field, or null to use the 1-based line number as the id
     * @param textField  the text field, required in every line
     * @param titleField an optional title field, or null for empty titles
     */
    public static JsonlReader<CorpusDocument> documents(SourceFile file, String idField, String textField,
                                                        String titleField, BadRecords bad) {
        return new JsonlReader<>(file, bad, true, idField, textField, titleField);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected T read() {
        for (String line = nextContentLine(); line != null; line = nextContentLine()) {
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                malformed("not valid JSON: " + e.getOriginalMessage());
                continue;
            }
            if (node == null || !node.isObject()) {
                malformed("not a JSON object");
                continue;
            }
            // each line is reported once, for its first bad field
            String id = idField == null ? Long.toString(lines.lineNumber()) : scalar(node, idField, true);
            if (id == null) {
                continue;
            }
            String text = scalar(node, textField, false);
            if (text == null) {
                continue;
            }
            String title = titleField == null ? "" : scalar(node, titleField, false);
            if (title == null) {
                continue;
            }
            if (id.isBlank()) {
                malformed("empty \"" + idField + "\"");
                continue;
            }
            if (documents) {
                return (T) new CorpusDocument(id, title, text);
            }
            return (T) new TextQuery(id, text);
        }
        return null;
    }

    /**
     * The text of {@code field}: a string (or, for ids, a number); absent is "" for optional fields (not the id or
     * the text). Null after reporting the line as malformed.
     */
    private String scalar(JsonNode node, String field, boolean id) {
        JsonNode v = node.get(field);
        boolean required = id || field.equals(textField);
        if (v == null || v.isNull()) {
            if (required) {
                malformed("no \"" + field + "\" field");
                return null;
            }
            return "";
        }
        if (v.isTextual() || (id && v.isIntegralNumber())) {
            return v.asText();
        }
        malformed("\"" + field + "\" is a " + v.getNodeType().name().toLowerCase() + ", expected "
                + (id ? "a string or an integer" : "a string"));
        return null;
    }
}

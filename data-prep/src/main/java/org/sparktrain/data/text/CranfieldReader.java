package org.sparktrain.data.text;

import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Cranfield collection's SMART-format files (Cleverdon 1967; as widely redistributed):
 * {@code cran.all.1400}, records of fields {@code .I <id>}, {@code .T} title, {@code .A} authors, {@code .B} source,
 * {@code .W} abstract, and {@code cran.qry}, records of {@code .I <number>} and {@code .W} text. Each marker is on
 * its own line and the field's text follows on the next lines; CRLF line ends are fine.
 *
 * <p>Text: the lines of a field are trimmed and joined with single spaces, runs of white space become one space;
 * a missing field is empty (documents 471 and 995 have an empty {@code .W}). Documents keep their {@code .I} as
 * {@code docId}, with title {@code .T} and text {@code .W} ({@code .A}, {@code .B} are not kept). Queries are
 * numbered by position, {@code 1..n}, because the judgments ({@code cranqrel}) refer to them that way; the
 * {@code .I} numbers of {@code cran.qry} (001, 002, 004, 008, ...) are not used.
 *
 * <p>Damage in the distributed file: documents 576 and 578 repeat {@code .W}, document 240 has stray {@code .A}
 * and {@code .B} lines inside its abstract. A marker for a field the record already had is therefore read as part
 * of the text of the current field (the marker line itself is dropped), so no text is lost or misfiled. Lines
 * before the first {@code .I}, an {@code .I} without a number and an unknown marker are
 * {@link BadRecords#MALFORMED_LINE}s (a record with a bad {@code .I} is skipped whole). Numeric document ids are
 * written without leading zeros, as the judgments use them.
 *
 * @param <T> {@link CorpusDocument} or {@link TextQuery}
 */
public final class CranfieldReader<T> extends TextRecordReader<T> {
    private static final Pattern MARKER = Pattern.compile("^\\.([A-Z])(?:\\s+(.*))?$");
    private static final String FIELDS = "TABW";
    private final boolean documents;
    private String pendingId;
    private boolean skipping;
    private int queries;

    private CranfieldReader(SourceFile file, BadRecords bad, boolean documents) {
        super(file, bad);
        this.documents = documents;
    }

    /** The documents of {@code cran.all.1400}. */
    public static CranfieldReader<CorpusDocument> documents(SourceFile file, BadRecords bad) {
        return new CranfieldReader<>(file, bad, true);
    }

    /** The queries of {@code cran.qry}, numbered 1..n by position. */
    public static CranfieldReader<TextQuery> queries(SourceFile file, BadRecords bad) {
        return new CranfieldReader<>(file, bad, false);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected T read() {
        String id = pendingId;
        Map<Character, StringBuilder> fields = new LinkedHashMap<>();
        Set<Character> seen = new HashSet<>();
        Character current = null;
        for (String line = nextContentLine(); line != null; line = nextContentLine()) {
            Matcher m = MARKER.matcher(line.stripTrailing());
            if (m.matches() && m.group(1).equals("I")) {
                String next = m.group(2) == null ? "" : m.group(2).trim();
                if (next.isEmpty() || next.contains(" ")) {
                    malformed(".I line without a single record number");
                    skipping = true;
                    if (id != null) {
                        pendingId = null;
                        return record(id, fields);
                    }
                    continue;
                }
                skipping = false;
                if (id != null) {
                    pendingId = next;
                    return record(id, fields);
                }
                id = next;
                continue;
            }
            if (skipping) {
                continue;
            }
            if (id == null) {
                malformed("text before the first .I record marker");
                continue;
            }
            if (m.matches()) {
                char f = m.group(1).charAt(0);
                if (FIELDS.indexOf(f) < 0) {
                    malformed("unknown field marker ." + f + " (expected .I, .T, .A, .B or .W)");
                    continue;
                }
                if (seen.add(f)) {
                    current = f;
                    if (m.group(2) != null) {
                        append(fields, current, m.group(2));
                    }
                    continue;
                }
                if (current == null) {
                    continue;
                }
                // a repeated marker continues the current field; only text on the marker line is kept
                if (m.group(2) != null) {
                    append(fields, current, m.group(2));
                }
                continue;
            }
            if (current != null) {
                append(fields, current, line);
            }
        }
        pendingId = null;
        return id == null ? null : record(id, fields);
    }

    @SuppressWarnings("unchecked")
    private T record(String id, Map<Character, StringBuilder> fields) {
        String title = text(fields, 'T');
        String text = text(fields, 'W');
        if (documents) {
            return (T) new CorpusDocument(id.matches("\\d{1,9}") ? Integer.toString(Integer.parseInt(id)) : id, title,
                    text);
        }
        queries++;
        return (T) new TextQuery(Integer.toString(queries), text);
    }

    private static void append(Map<Character, StringBuilder> fields, char field, String line) {
        String t = line.trim();
        if (t.isEmpty()) {
            return;
        }
        StringBuilder b = fields.computeIfAbsent(field, k -> new StringBuilder());
        if (b.length() > 0) {
            b.append(' ');
        }
        b.append(t);
    }

    private static String text(Map<Character, StringBuilder> fields, char field) {
        StringBuilder b = fields.get(field);
        return b == null ? "" : b.toString().replaceAll("\\s+", " ");
    }
}

package org.sparktrain.data.table;

import org.sparktrain.data.BadRecords;
import org.sparktrain.data.LineReader;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV text (RFC 4180) into records: fields separated by a delimiter, a field may be quoted with {@code "},
 * a quote inside a quoted field is doubled ({@code ""}), and a quoted field may span lines (the line break is kept
 * as {@code \n}). Blank lines are skipped. A quote left open at the end of the file is a
 * {@link BadRecords#MALFORMED_LINE} at the line where the record started.
 */
final class CsvRecordParser {
    private final LineReader lines;
    private final char delimiter;
    private final BadRecords bad;
    private long startLine;

    CsvRecordParser(LineReader lines, char delimiter, BadRecords bad) {
        this.lines = lines;
        this.delimiter = delimiter;
        this.bad = bad;
    }

    /** Line where the record last returned started. */
    long startLine() {
        return startLine;
    }

    /** The next record's fields, or null at the end. */
    String[] next() {
        String line;
        do {
            line = lines.next();
            if (line == null) {
                return null;
            }
        } while (line.isBlank());
        startLine = lines.lineNumber();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        while (true) {
            if (i == line.length()) {
                if (!quoted) {
                    fields.add(field.toString());
                    return fields.toArray(new String[0]);
                }
                line = lines.next();
                if (line == null) {
                    bad.reject(BadRecords.MALFORMED_LINE, lines.location(startLine), "quoted field opened here is "
                            + "not closed before the end of the file");
                    return null;
                }
                field.append('\n');
                i = 0;
                continue;
            }
            char c = line.charAt(i++);
            if (quoted) {
                if (c == '"') {
                    if (i < line.length() && line.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank()) {
                field.setLength(0);
                quoted = true;
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
    }
}

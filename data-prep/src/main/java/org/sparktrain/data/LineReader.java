package org.sparktrain.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Lines of a UTF-8 text {@link SourceFile}, streamed with their 1-based numbers for error locations
 * ({@code file:line}). Lines end at {@code \n}; a {@code \r} before it (CRLF files such as Cranfield) is dropped, a
 * lone {@code \r} inside a line is kept (MS MARCO passages contain some). A byte-order mark at the start is dropped.
 * Malformed UTF-8 becomes U+FFFD. Memory use is one line plus a buffer.
 */
public final class LineReader implements Closeable {
    private final SourceFile file;
    private final Reader reader;
    private final char[] buf = new char[1 << 15];
    private final StringBuilder line = new StringBuilder();
    private int pos;
    private int limit;
    private long lineNumber;
    private boolean eof;

    public LineReader(SourceFile file) {
        this.file = file;
        this.reader = new InputStreamReader(file.stream(), StandardCharsets.UTF_8);
    }

    /** The file being read. */
    public SourceFile file() {
        return file;
    }

    /** The next line without its terminator, or {@code null} at the end of the file. */
    public String next() {
        if (eof) {
            return null;
        }
        line.setLength(0);
        try {
            while (true) {
                if (pos == limit) {
                    limit = reader.read(buf, 0, buf.length);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        eof = true;
                        if (line.length() == 0) {
                            return null;
                        }
                        return finish();
                    }
                }
                int start = pos;
                while (pos < limit && buf[pos] != '\n') {
                    pos++;
                }
                line.append(buf, start, pos - start);
                if (pos < limit) {
                    pos++; // the '\n'
                    return finish();
                }
            }
        } catch (IOException e) {
            throw new BadInputException(file.name() + ":" + (lineNumber + 1) + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private String finish() {
        lineNumber++;
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
            line.setLength(len - 1);
        }
        if (lineNumber == 1 && line.length() > 0 && line.charAt(0) == '\uFEFF') {
            line.deleteCharAt(0);
        }
        return line.toString();
    }

    /** 1-based number of the line last returned by {@link #next()} (0 before the first). */
    public long lineNumber() {
        return lineNumber;
    }

    /** {@code file:line} of the line last returned. */
    public String location() {
        return file.name() + ":" + lineNumber;
    }

    /** {@code file:n} for another line number (e.g. where a multi-line record started). */
    public String location(long line) {
        return file.name() + ":" + line;
    }

    @Override
    public void close() {
        file.close();
    }
}

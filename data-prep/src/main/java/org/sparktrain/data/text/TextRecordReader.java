package org.sparktrain.data.text;

import org.sparktrain.data.BadRecords;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.LineReader;
import org.sparktrain.data.SourceFile;

import java.io.Closeable;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Base of the streaming text readers (MS MARCO TSV, BEIR JSONL/TSV, Cranfield, plain lines): an iterator over the
 * good records of one file, read line by line from any Hadoop path (gzip is undone on the fly). Subclasses parse
 * in {@link #read()}, reporting bad lines to the {@link BadRecords} policy with their {@code file:line}. A file
 * without a single non-blank line is {@link BadRecords#EMPTY_FILE}.
 *
 * @param <T> the record type
 */
public abstract class TextRecordReader<T> implements Iterator<T>, Closeable {
    protected final LineReader lines;
    protected final BadRecords bad;
    private boolean content;
    private boolean done;
    private T next;

    protected TextRecordReader(SourceFile file, BadRecords bad) {
        this.lines = new LineReader(file);
        this.bad = bad;
    }

    /** The next good record, or null at the end of the file. */
    protected abstract T read();

    /** The next non-blank line, or null at the end. */
    protected String nextContentLine() {
        for (String line = lines.next(); line != null; line = lines.next()) {
            if (!line.isBlank()) {
                content = true;
                return line;
            }
        }
        return null;
    }

    /** Reports the current line as {@link BadRecords#MALFORMED_LINE}. */
    protected void malformed(String message) {
        bad.reject(BadRecords.MALFORMED_LINE, lines.location(), message);
    }

    /** The file being read. */
    public SourceFile file() {
        return lines.file();
    }

    /** The file's manifest entry (size, SHA-256); call after the last record. */
    public DatasetManifest.Source source() {
        return lines.file().finish();
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            next = read();
            if (next == null) {
                done = true;
                if (!content) {
                    bad.reject(BadRecords.EMPTY_FILE, lines.file().name(), "file has no records (it is empty)");
                }
            }
        }
        return next != null;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("all records of " + lines.file().name() + " were read");
        }
        T r = next;
        next = null;
        return r;
    }

    @Override
    public void close() {
        lines.close();
    }

    /** {@code s} cut to 60 characters for messages. */
    protected static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}

package org.sparktrain.data.text;

import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;

/**
 * Reads a plain-text corpus with one document per line (for self-supervised training pairs): every non-blank line
 * is a document whose text is the trimmed line and whose {@code docId} is its 1-based line number; blank lines are
 * not documents. For JSON lines use {@link JsonlReader#documents}.
 */
public final class TextLinesReader extends TextRecordReader<CorpusDocument> {
    public TextLinesReader(SourceFile file, BadRecords bad) {
        super(file, bad);
    }

    @Override
    protected CorpusDocument read() {
        String line = nextContentLine();
        return line == null ? null : new CorpusDocument(Long.toString(lines.lineNumber()), "", line.trim());
    }
}

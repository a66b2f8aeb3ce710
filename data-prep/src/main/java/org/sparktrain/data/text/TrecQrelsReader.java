package org.sparktrain.data.text;

import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;

/**
 * Reads TREC-format relevance judgments, as MS MARCO ships them ({@code qrels.*.tsv}): four whitespace-separated
 * columns {@code qid iteration docid relevance}; the iteration column (usually {@code 0} or {@code Q0}) is ignored
 * and the relevance must be an integer, kept as given. Any other line is a {@link BadRecords#MALFORMED_LINE}.
 */
public final class TrecQrelsReader extends TextRecordReader<Judgment> {
    public TrecQrelsReader(SourceFile file, BadRecords bad) {
        super(file, bad);
    }

    @Override
    protected Judgment read() {
        for (String line = nextContentLine(); line != null; line = nextContentLine()) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 4) {
                malformed(f.length + " columns, a TREC qrels line is 'qid iteration docid relevance'");
                continue;
            }
            try {
                return new Judgment(f[0], f[2], Integer.parseInt(f[3]), lines.location());
            } catch (NumberFormatException e) {
                malformed("relevance '" + abbreviate(f[3]) + "' is not an integer");
            }
        }
        return null;
    }
}

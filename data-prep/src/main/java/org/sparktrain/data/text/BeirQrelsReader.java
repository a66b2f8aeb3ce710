package org.sparktrain.data.text;

import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;

/**
 * Reads a BEIR judgments file ({@code qrels/train.tsv}, {@code dev.tsv}, {@code test.tsv}): a header line
 * {@code query-id\tcorpus-id\tscore}, then one {@code query-id\tcorpus-id\tscore} line per judgment with an integer
 * score (kept as the relevance). The first line is taken as the header when its score column is not an integer.
 * Any other line with another field count or a non-integer score is a {@link BadRecords#MALFORMED_LINE}.
 */
public final class BeirQrelsReader extends TextRecordReader<Judgment> {
    private boolean first = true;

    public BeirQrelsReader(SourceFile file, BadRecords bad) {
        super(file, bad);
    }

    @Override
    protected Judgment read() {
        for (String line = nextContentLine(); line != null; line = nextContentLine()) {
            String[] f = line.split("\t", -1);
            boolean header = first;
            first = false;
            if (f.length != 3) {
                malformed(f.length + " tab-separated fields, a BEIR qrels line is query-id<TAB>corpus-id<TAB>score");
                continue;
            }
            int score;
            try {
                score = Integer.parseInt(f[2].trim());
            } catch (NumberFormatException e) {
                if (!header) {
                    malformed("score '" + abbreviate(f[2]) + "' is not an integer");
                }
                continue;
            }
            if (f[0].isBlank() || f[1].isBlank()) {
                malformed("empty query-id or corpus-id");
                continue;
            }
            return new Judgment(f[0].trim(), f[1].trim(), score, lines.location());
        }
        return null;
    }
}

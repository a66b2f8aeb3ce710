package org.sparktrain.data.text;

import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;

/**
 * Reads Cranfield's {@code cranqrel}: lines {@code query doc grade}, the query being its position 1..225 in
 * {@code cran.qry} (see {@link CranfieldReader}), the grade Cleverdon's relevance code (see {@code cranqrel.readme}):
 * 1 complete answer, 2 high relevance, 3 useful background, 4 minimum interest, 5 no interest, and -1 for not
 * relevant. Grades become relevance with higher meaning more relevant: {@code 5 - grade} for grades 1..4 (so
 * 4, 3, 2, 1) and 0 for 5 and -1. Ids are written without leading zeros. Any other line is a
 * {@link BadRecords#MALFORMED_LINE}.
 */
public final class CranfieldQrelsReader extends TextRecordReader<Judgment> {
    /** How grades map to relevance, recorded in the manifest's properties. */
    public static final String RELEVANCE = "5 - Cleverdon grade for grades 1..4 (4 = complete answer, 1 = minimum "
            + "interest), 0 for grades 5 and -1 (not relevant)";

    public CranfieldQrelsReader(SourceFile file, BadRecords bad) {
        super(file, bad);
    }

    /** The relevance of a Cleverdon grade, or -1 for a value that is not a grade. */
    public static int relevance(int grade) {
        if (grade >= 1 && grade <= 4) {
            return 5 - grade;
        }
        return grade == 5 || grade == -1 ? 0 : -1;
    }

    @Override
    protected Judgment read() {
        for (String line = nextContentLine(); line != null; line = nextContentLine()) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3) {
                malformed(f.length + " columns, a cranqrel line is 'query doc grade'");
                continue;
            }
            int grade;
            int query;
            int doc;
            try {
                grade = Integer.parseInt(f[2]);
                query = Integer.parseInt(f[0]);
                doc = Integer.parseInt(f[1]);
            } catch (NumberFormatException e) {
                malformed("query, document and grade must be integers");
                continue;
            }
            int rel = relevance(grade);
            if (rel < 0) {
                malformed("grade " + grade + " is not a Cleverdon relevance code (1..5, or -1)");
                continue;
            }
            return new Judgment(Integer.toString(query), Integer.toString(doc), rel, lines.location());
        }
        return null;
    }
}

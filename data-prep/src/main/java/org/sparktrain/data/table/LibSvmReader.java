package org.sparktrain.data.table;

import org.sparktrain.data.BadRecords;
import org.sparktrain.data.LineReader;
import org.sparktrain.data.SourceFile;

/**
 * Reads the LibSVM / SVMlight text format: one row per line, {@code <label> <index>:<value> ...} with 1-based,
 * strictly increasing feature indices; absent indices are 0 (the sparse row becomes a dense vector of
 * {@code numFeatures}). A {@code #} starts a comment; {@code qid:<n>} tokens (ranking files) are ignored; blank lines
 * are skipped.
 *
 * <p>With {@code numFeatures} 0 the reader only scans: rows have no features, and {@link #maxIndex()} gives the
 * largest index seen (the inferred dimension). A token that is not {@code index:value}, an index that is not a
 * positive integer, not increasing or above {@code numFeatures}, and a bad value or label follow the
 * {@link BadRecords} policy.
 */
public final class LibSvmReader extends TableReader {
    private final int numFeatures;
    private final boolean scan;
    private int maxIndex;

    /**
     * @param file        the file
     * @param numFeatures the dense dimension, or 0 to scan for the largest index
     * @param bad         what to do with bad rows
     */
    public LibSvmReader(SourceFile file, int numFeatures, BadRecords bad) {
        super(new LineReader(file), bad);
        this.numFeatures = numFeatures;
        this.scan = numFeatures == 0;
    }

    @Override
    public int numFeatures() {
        return numFeatures;
    }

    /** The largest feature index of the good rows read so far. */
    public int maxIndex() {
        return maxIndex;
    }

    @Override
    public TableRow next() {
        for (String line = lines.next(); line != null; line = lines.next()) {
            int hash = line.indexOf('#');
            String body = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (body.isEmpty()) {
                continue;
            }
            try {
                return parseRow(body.split("\\s+"));
            } catch (BadValue e) {
                reject(e);
            }
        }
        return null;
    }

    private TableRow parseRow(String[] tokens) throws BadValue {
        String label = tokens[0];
        parse(label, "label");
        float[] f = new float[numFeatures];
        int last = 0;
        int rowMax = 0;
        for (int t = 1; t < tokens.length; t++) {
            String tok = tokens[t];
            int colon = tok.indexOf(':');
            if (colon <= 0 || colon == tok.length() - 1) {
                throw new BadValue(BadRecords.MALFORMED_LINE, "token '" + abbreviate(tok) + "' is not index:value");
            }
            String key = tok.substring(0, colon);
            if (key.equals("qid")) {
                continue;
            }
            int index;
            try {
                index = Integer.parseInt(key);
            } catch (NumberFormatException e) {
                throw new BadValue(BadRecords.MALFORMED_LINE, "feature index '" + abbreviate(key)
                        + "' is not a positive integer");
            }
            if (index < 1) {
                throw new BadValue(BadRecords.MALFORMED_LINE, "feature index " + index + " is not positive (indices "
                        + "are 1-based)");
            }
            if (index <= last) {
                throw new BadValue(BadRecords.MALFORMED_LINE, "feature index " + index + " after " + last
                        + " (indices must increase)");
            }
            if (!scan && index > numFeatures) {
                throw new BadValue(BadRecords.MALFORMED_LINE, "feature index " + index + " is above numFeatures "
                        + numFeatures);
            }
            float v = parse(tok.substring(colon + 1), "feature " + index);
            if (!scan) {
                f[index - 1] = v;
            }
            last = index;
            rowMax = index;
        }
        maxIndex = Math.max(maxIndex, rowMax);
        return new TableRow(f, label, -1, lines.location());
    }
}

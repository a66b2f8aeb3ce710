package org.sparktrain.data.table;

import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.LineReader;
import org.sparktrain.data.SourceFile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a CSV table with a header line (RFC 4180 quoting, see {@link CsvRecordParser}): the label is the column
 * named {@code labelColumn}, the features the columns named in {@code featureColumns} in that order, or by default
 * every other column in file order. Feature values must be numbers; the label is kept as text (mapped to a class or
 * parsed as a target by {@link TablePreparation}).
 *
 * <p>A missing label or feature column, a duplicate column name or an empty file fail at once (the whole file is
 * unusable); a row with another field count, an empty field, a value that is not a number, or NaN/infinity follows
 * the {@link BadRecords} policy.
 */
public final class CsvTableReader extends TableReader {
    private final CsvRecordParser parser;
    private final String[] header;
    private final int labelIndex;
    private final int[] featureIndex;
    private final List<String> featureNames;

    /**
     * @param file           the CSV file
     * @param delimiter      field separator, e.g. {@code ','} or {@code '\t'}
     * @param labelColumn    name of the label column
     * @param featureColumns names of the feature columns, or null for every column but the label
     * @param bad            what to do with bad rows
     */
    public CsvTableReader(SourceFile file, char delimiter, String labelColumn, List<String> featureColumns,
                          BadRecords bad) {
        super(new LineReader(file), bad);
        this.parser = new CsvRecordParser(lines, delimiter, bad);
        String[] h = parser.next();
        if (h == null) {
            throw new BadInputException("CSV file " + file.name() + " is empty: expected a header line");
        }
        this.header = Arrays.stream(h).map(String::trim).toArray(String[]::new);
        Set<String> seen = new HashSet<>();
        for (String name : header) {
            if (!seen.add(name)) {
                throw new BadInputException(lines.location(parser.startLine()) + ": header names column '" + name
                        + "' twice");
            }
        }
        this.labelIndex = indexOf(labelColumn, "labelColumn");
        List<String> names = new ArrayList<>();
        List<Integer> idx = new ArrayList<>();
        if (featureColumns == null) {
            for (int i = 0; i < header.length; i++) {
                if (i != labelIndex) {
                    names.add(header[i]);
                    idx.add(i);
                }
            }
        } else {
            for (String c : featureColumns) {
                int i = indexOf(c, "featureColumns");
                if (i == labelIndex) {
                    throw new BadInputException("featureColumns: '" + c + "' is the label column of " + file.name());
                }
                names.add(c);
                idx.add(i);
            }
        }
        if (idx.isEmpty()) {
            throw new BadInputException("CSV file " + file.name() + " has no feature columns besides the label '"
                    + labelColumn + "'");
        }
        this.featureNames = List.copyOf(names);
        this.featureIndex = idx.stream().mapToInt(Integer::intValue).toArray();
    }

    private int indexOf(String column, String key) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(column)) {
                return i;
            }
        }
        throw new BadInputException(key + ": column '" + column + "' is not in the header of " + lines.file().name()
                + " (it has " + Arrays.toString(header) + ")");
    }

    /** The header's column names. */
    public List<String> header() {
        return List.of(header);
    }

    @Override
    public int numFeatures() {
        return featureIndex.length;
    }

    @Override
    public List<String> featureNames() {
        return featureNames;
    }

    @Override
    public TableRow next() {
        while (true) {
            String[] fields = parser.next();
            if (fields == null) {
                return null;
            }
            String where = lines.location(parser.startLine());
            if (fields.length != header.length) {
                bad.reject(BadRecords.MALFORMED_LINE, where, fields.length + " fields, the header has " + header.length);
                continue;
            }
            try {
                float[] f = new float[featureIndex.length];
                for (int j = 0; j < f.length; j++) {
                    f[j] = parse(fields[featureIndex[j]], "column '" + featureNames.get(j) + "'");
                }
                String label = fields[labelIndex].trim();
                if (label.isEmpty()) {
                    throw new BadValue(BadRecords.MISSING_VALUE, "label column '" + header[labelIndex] + "' is empty");
                }
                if (isNonFinite(label)) { // not a class named "NaN", nor a target
                    throw new BadValue(BadRecords.NON_FINITE, "label column '" + header[labelIndex] + "' is " + label);
                }
                return new TableRow(f, label, -1, where);
            } catch (BadValue e) {
                bad.reject(e.reason, where, e.getMessage());
            }
        }
    }
}

package org.sparktrain.data.table;

import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.LineReader;
import org.sparktrain.data.SkipReport;
import org.sparktrain.data.SourceFile;

import java.util.List;

/**
 * Reads the FANN training-data format (the files of Debian's {@code libfann-doc}): a header line
 * {@code <records> <inputs> <outputs>}, then for every record a line of {@code inputs} numbers and a line of
 * {@code outputs} numbers (blank lines are skipped, CRLF is fine).
 *
 * <p>With one output the row's label is that value as written (a regression target, or a class value such as
 * {@code 0}/{@code 1}); with several outputs (one-hot classes) the row's class is the position of the largest
 * output, which must be unique. A bad header fails at once; a line with another count of numbers, a bad number or
 * NaN, a tie for the largest output ({@link BadRecords#BAD_LABEL}), records beyond the declared count
 * ({@link BadRecords#MALFORMED_LINE}) and fewer records than declared ({@link BadRecords#TRUNCATED_RECORD}, one
 * per missing record) follow the {@link BadRecords} policy.
 */
public final class FannReader extends TableReader {
    private final long declared;
    private final int inputs;
    private final int outputs;
    private long records;
    private boolean done;

    public FannReader(SourceFile file, BadRecords bad) {
        super(new LineReader(file), bad);
        String header = nextNonBlank();
        if (header == null) {
            throw new BadInputException("FANN file " + file.name() + " is empty: expected a header line "
                    + "'<records> <inputs> <outputs>'");
        }
        String[] t = header.trim().split("\\s+");
        try {
            if (t.length != 3) {
                throw new NumberFormatException();
            }
            declared = Long.parseLong(t[0]);
            inputs = Integer.parseInt(t[1]);
            outputs = Integer.parseInt(t[2]);
        } catch (NumberFormatException e) {
            throw new BadInputException(lines.location() + ": FANN header must be '<records> <inputs> <outputs>' (three "
                    + "integers), got '" + abbreviate(header.trim()) + "'");
        }
        if (declared < 0 || inputs < 1 || outputs < 1) {
            throw new BadInputException(lines.location() + ": FANN header declares " + declared + " records of "
                    + inputs + " inputs and " + outputs + " outputs; need records >= 0, inputs >= 1, outputs >= 1");
        }
    }

    /** Records the header declares. */
    public long declaredRecords() {
        return declared;
    }

    @Override
    public int numFeatures() {
        return inputs;
    }

    /** Outputs per record. */
    public int numOutputs() {
        return outputs;
    }

    @Override
    public TableRow next() {
        while (!done) {
            String in = nextNonBlank();
            if (in == null) {
                done = true;
                if (records < declared) {
                    bad.reject(BadRecords.TRUNCATED_RECORD, declared - records, List.of(new SkipReport.Example(
                            BadRecords.TRUNCATED_RECORD, lines.location(), "file ends after " + records + " of the "
                            + declared + " records its header declares")));
                }
                return null;
            }
            String inLocation = lines.location();
            String out = nextNonBlank();
            records++;
            if (records > declared) {
                bad.reject(BadRecords.MALFORMED_LINE, inLocation, "record " + records + " is beyond the " + declared
                        + " records the header declares");
                continue;
            }
            if (out == null) {
                bad.reject(BadRecords.TRUNCATED_RECORD, inLocation, "record " + records + " has no output line");
                continue;
            }
            float[] x;
            float[] y;
            try {
                x = numbers(in, inputs, "input");
            } catch (BadValue e) {
                bad.reject(e.reason, inLocation, e.getMessage());
                continue;
            }
            try {
                y = numbers(out, outputs, "output");
            } catch (BadValue e) {
                reject(e);
                continue;
            }
            if (outputs == 1) {
                return new TableRow(x, out.trim().split("\\s+")[0], -1, inLocation);
            }
            int best = 0;
            boolean tie = false;
            for (int k = 1; k < y.length; k++) {
                if (y[k] > y[best]) {
                    best = k;
                    tie = false;
                } else if (y[k] == y[best]) {
                    tie = true;
                }
            }
            if (tie) {
                bad.reject(BadRecords.BAD_LABEL, lines.location(), "outputs have no unique largest value (one-hot "
                        + "class expected): " + abbreviate(out.trim()));
                continue;
            }
            return new TableRow(x, null, best, inLocation);
        }
        return null;
    }

    private float[] numbers(String line, int expected, String what) throws BadValue {
        String[] t = line.trim().split("\\s+");
        if (t.length != expected) {
            throw new BadValue(BadRecords.MALFORMED_LINE, t.length + " " + what + " values, the header declares "
                    + expected);
        }
        float[] v = new float[expected];
        for (int i = 0; i < expected; i++) {
            v[i] = parse(t[i], what + " " + (i + 1));
        }
        return v;
    }

    private String nextNonBlank() {
        for (String line = lines.next(); line != null; line = lines.next()) {
            if (!line.isBlank()) {
                return line;
            }
        }
        return null;
    }
}

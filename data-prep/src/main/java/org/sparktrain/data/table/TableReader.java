package org.sparktrain.data.table;

import org.sparktrain.data.BadRecords;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.LineReader;

import java.io.Closeable;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A streaming reader of one table file (CSV, LibSVM, FANN) over a {@link LineReader}: {@link #next()} returns the
 * next good row; bad rows go to the {@link BadRecords} policy (located {@code file:line}) and are left out. Numbers
 * are decimal ({@code 1}, {@code -0.5}, {@code 2e-3}); NaN and infinities (any spelling, or a value beyond the float
 * range) are {@link BadRecords#NON_FINITE}, anything else that is not a number {@link BadRecords#MALFORMED_LINE}.
 */
public abstract class TableReader implements Closeable {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    protected final LineReader lines;
    protected final BadRecords bad;

    protected TableReader(LineReader lines, BadRecords bad) {
        this.lines = lines;
        this.bad = bad;
    }

    /** The next good row, or null at the end of the file. */
    public abstract TableRow next();

    /** Number of features of every row. */
    public abstract int numFeatures();

    /** Feature names when the format has them (a CSV header), else null. */
    public List<String> featureNames() {
        return null;
    }

    /** The file's manifest entry (size, SHA-256); call after the last row. */
    public DatasetManifest.Source finish() {
        return lines.file().finish();
    }

    @Override
    public void close() {
        lines.close();
    }

    /** Thrown by {@link #parse} for a bad value; carries the reason code. */
    protected static final class BadValue extends Exception {
        final String reason;

        BadValue(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    /**
     * Parses a finite float; {@code what} names the value in messages (e.g. {@code "column 'age'"}).
     *
     * @throws BadValue with reason {@link BadRecords#MISSING_VALUE}, {@link BadRecords#NON_FINITE} or
     *                  {@link BadRecords#MALFORMED_LINE}
     */
    protected static float parse(String text, String what) throws BadValue {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new BadValue(BadRecords.MISSING_VALUE, what + " is empty");
        }
        if (NON_FINITE.matcher(t).matches()) {
            throw new BadValue(BadRecords.NON_FINITE, what + " is " + t);
        }
        if (!NUMBER.matcher(t).matches()) {
            throw new BadValue(BadRecords.MALFORMED_LINE, what + " is not a number: '" + abbreviate(t) + "'");
        }
        float v = Float.parseFloat(t);
        if (!Float.isFinite(v)) {
            throw new BadValue(BadRecords.NON_FINITE, what + " = " + t + " is beyond the float range");
        }
        return v;
    }

    /** Reports a bad row at the current line. */
    protected void reject(BadValue e) {
        bad.reject(e.reason, lines.location(), e.getMessage());
    }

    /** A value cut to 40 characters for messages. */
    protected static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** A label as a canonical string: integral numbers without a fraction ({@code "1"}), others as written. */
    static String canonicalLabel(String label) {
        String t = label.trim();
        if (NUMBER.matcher(t).matches()) {
            double d = Double.parseDouble(t);
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return Double.toString(d).toLowerCase(Locale.ROOT);
        }
        return t;
    }

    /** Whether {@code s} spells NaN or an infinity ({@code nan}, {@code -inf}, {@code Infinity}, any case). */
    static boolean isNonFinite(String s) {
        return NON_FINITE.matcher(s.trim()).matches();
    }

    /** Whether {@code s} is a decimal number. */
    static boolean isNumber(String s) {
        return NUMBER.matcher(s.trim()).matches();
    }
}

package org.sparktrain.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy and the tally for input records that cannot be used (a truncated CIFAR record, an unreadable image, a
 * malformed TSV/JSONL/CSV line, a judgment naming an unknown document, a NaN in a table, an empty file among several).
 *
 * <p>By default ({@link #failFast()}) the first bad record fails the preparation with a {@link BadInputException}
 * naming the file and line or record; since every preparation writes through {@link AtomicOutput}, nothing is left
 * behind. With a tolerance ({@code maxSkipped > 0}) bad records are skipped and counted per reason, the first
 * {@value #MAX_EXAMPLES} with their location, until more than {@code maxSkipped} were seen: that one fails like the
 * default. {@link #report()} goes into the manifest ({@link DatasetManifest#skipReport()}).
 *
 * <p>Problems that are not about one record (a missing file, an empty data set, a corrupt metadata file, a bad
 * config value) are never skipped: callers throw {@link BadInputException} for those directly. Reason codes are the
 * constants below. Not thread-safe: call it from the thread that consumes the records.
 */
public final class BadRecords {
    /** Examples kept in the report. */
    public static final int MAX_EXAMPLES = 10;
    /** A record cut short by the end of its file (CIFAR), or fewer records than a header declares (FANN). */
    public static final String TRUNCATED_RECORD = "truncated-record";
    /** A file that decodes to no image. */
    public static final String UNREADABLE_IMAGE = "unreadable-image";
    /** A file or folder that does not fit the {@code <root>/[split/]<class>/<image>} layout. */
    public static final String UNKNOWN_LAYOUT = "unknown-layout";
    /** A file in a class folder whose extension is not an image format read here (jpg, jpeg, png). */
    public static final String UNSUPPORTED_FILE = "unsupported-file";
    /** A test-split class folder that the train split does not have. */
    public static final String UNKNOWN_CLASS = "unknown-class";
    /** A line (TSV, JSONL, CSV, LibSVM, FANN, Cranfield) that does not parse. */
    public static final String MALFORMED_LINE = "malformed-line";
    /** A label outside the known classes (CIFAR label byte, a CSV/LibSVM value not among the given classes). */
    public static final String BAD_LABEL = "bad-label";
    /** A judgment or triple naming a query that is not in the queries. */
    public static final String UNKNOWN_QUERY = "unknown-query";
    /** A judgment or triple naming a document that is not in the corpus. */
    public static final String UNKNOWN_DOCUMENT = "unknown-document";
    /** A second record with an id already used (the first one is kept). */
    public static final String DUPLICATE_ID = "duplicate-id";
    /** NaN or infinity in a table value or label. */
    public static final String NON_FINITE = "non-finite-value";
    /** An empty table field. */
    public static final String MISSING_VALUE = "missing-value";
    /** An empty file among several inputs (an empty data set always fails). */
    public static final String EMPTY_FILE = "empty-file";

    private final long maxSkipped;
    private final Map<String, Long> byReason = new LinkedHashMap<>();
    private final List<SkipReport.Example> examples = new ArrayList<>();
    private long total;

    /** Skips up to {@code maxSkipped} bad records ({@link Long#MAX_VALUE}: no limit); 0 fails at the first. */
    public BadRecords(long maxSkipped) {
        if (maxSkipped < 0) {
            throw new IllegalArgumentException("maxSkipped: must be >= 0, got " + maxSkipped);
        }
        this.maxSkipped = maxSkipped;
    }

    /** The default: the first bad record fails. */
    public static BadRecords failFast() {
        return new BadRecords(0);
    }

    /** Skips and counts every bad record. */
    public static BadRecords skipAll() {
        return new BadRecords(Long.MAX_VALUE);
    }

    public long maxSkipped() {
        return maxSkipped;
    }

    /** Records skipped so far. */
    public long total() {
        return total;
    }

    /**
     * One bad record: throws a {@link BadInputException} "{@code location: message}" when the tolerance is used up,
     * otherwise counts it and returns (the caller then drops the record and goes on).
     *
     * @param reason   one of the reason constants
     * @param location {@code file:line} or {@code file record n}
     * @param message  what is wrong, e.g. {@code "3 fields, expected 2"}
     */
    public void reject(String reason, String location, String message) {
        reject(reason, 1, List.of(new SkipReport.Example(reason, location, message)));
    }

    /**
     * {@code count} bad records of one reason found together (for example by a Spark join); {@code firstFew} are
     * the first of them in input order, and the first one names the failure.
     */
    public void reject(String reason, long count, List<SkipReport.Example> firstFew) {
        if (count <= 0) {
            return;
        }
        if (firstFew.isEmpty()) {
            throw new IllegalArgumentException("at least one example is needed to report " + count + " " + reason);
        }
        SkipReport.Example first = firstFew.get(0);
        if (maxSkipped == 0) {
            String more = count > 1 ? " (and " + (count - 1) + " more " + reason + ")" : "";
            throw new BadInputException(first.location() + ": " + first.message() + more
                    + " [to skip and count bad records instead, allow it with maxSkipped or skipInvalid]");
        }
        if (count > maxSkipped - total) {
            Map<String, Long> counts = new LinkedHashMap<>(byReason);
            counts.merge(reason, count, Long::sum);
            throw new BadInputException(first.location() + ": " + first.message() + " [too many bad records: "
                    + (total + count) + " > maxSkipped " + maxSkipped + "; by reason " + counts + "]");
        }
        total += count;
        byReason.merge(reason, count, Long::sum);
        for (SkipReport.Example e : firstFew) {
            if (examples.size() < MAX_EXAMPLES) {
                examples.add(e);
            }
        }
    }

    /** What was skipped so far, for the manifest. */
    public SkipReport report() {
        return new SkipReport(total, byReason, examples);
    }
}

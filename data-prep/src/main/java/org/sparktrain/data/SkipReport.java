package org.sparktrain.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a preparation skipped because the user allowed it (a tolerance such as {@code maxSkipped: 100}), as recorded
 * in the manifest: the total, the count per reason (e.g. {@code truncated-record}, {@code unreadable-image},
 * {@code malformed-line}, {@code unknown-document}, {@code non-finite-value}) and the first
 * {@link BadRecords#MAX_EXAMPLES} examples with their location ({@code file:line} or {@code file record n}).
 * Produced by {@link BadRecords#report()}.
 *
 * @param total    records skipped, the sum of {@code byReason}
 * @param byReason count per reason code, in the order the reasons were first met
 * @param examples the first few skipped records
 */
@JsonPropertyOrder({"total", "byReason", "examples"})
public record SkipReport(long total, Map<String, Long> byReason, List<Example> examples) {
    /** Validates that the counts are non-negative and sum to {@code total}. */
    @JsonCreator
    public SkipReport {
        byReason = byReason == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(byReason));
        examples = examples == null ? List.of() : List.copyOf(examples);
        long sum = 0;
        for (Map.Entry<String, Long> e : byReason.entrySet()) {
            if (e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException("skipReport.byReason." + e.getKey() + ": must be >= 0");
            }
            sum += e.getValue();
        }
        if (total < 0 || sum != total) {
            throw new IllegalArgumentException("skipReport.total: " + total + " but byReason sums to " + sum);
        }
    }

    /** Nothing skipped. */
    public static SkipReport none() {
        return new SkipReport(0, Map.of(), List.of());
    }

    /** Count of one reason, 0 when absent. */
    public long count(String reason) {
        return byReason.getOrDefault(reason, 0L);
    }

    /**
     * One skipped record.
     *
     * @param reason   reason code
     * @param location where: {@code file:line}, {@code file record n}, or a file for whole-file problems
     * @param message  what was wrong
     */
    public record Example(String reason, String location, String message) {
    }
}

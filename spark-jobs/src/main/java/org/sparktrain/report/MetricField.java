package org.sparktrain.report;

import java.util.Objects;

/**
 * One field of one record type of {@code metrics.jsonl}, e.g. {@code train.loss}. A field of a nested object is
 * named by its dotted path ({@code stats.maxVio}).
 *
 * @param type  the record's {@code "type"}
 * @param field the field name or dotted path inside the record
 */
public record MetricField(String type, String field) {
    /** Rejects nulls. */
    public MetricField {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(field, "field");
    }

    /** {@code type.field}, as shown in the report. */
    @Override
    public String toString() {
        return type + "." + field;
    }
}

package org.sparktrain.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.OptionalDouble;

/**
 * Reads numbers from JSON written by sparktrain jobs. Jackson writes a non-finite double as a string by default
 * ({@code "loss":"NaN"}), so {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} strings count as numbers too.
 */
final class JsonNumbers {
    private JsonNumbers() {
    }

    /** The numeric value of {@code node}, or empty when it is missing, null or not a number. */
    static OptionalDouble value(JsonNode node) {
        if (node == null) {
            return OptionalDouble.empty();
        }
        if (node.isNumber()) {
            return OptionalDouble.of(node.doubleValue());
        }
        if (node.isTextual()) {
            switch (node.textValue()) {
                case "NaN":
                    return OptionalDouble.of(Double.NaN);
                case "Infinity":
                case "+Infinity":
                    return OptionalDouble.of(Double.POSITIVE_INFINITY);
                case "-Infinity":
                    return OptionalDouble.of(Double.NEGATIVE_INFINITY);
                default:
                    return OptionalDouble.empty();
            }
        }
        return OptionalDouble.empty();
    }

    /** The numeric value of {@code node}, or NaN. */
    static double orNaN(JsonNode node) {
        return value(node).orElse(Double.NaN);
    }

    /** True for a number or a non-finite number written as a string. */
    static boolean isNumeric(JsonNode node) {
        return value(node).isPresent();
    }

    /**
     * The field of {@code record} named {@code field}; if there is no such field and the name is a dotted path,
     * the nested field it names. Returns null when absent.
     */
    static JsonNode field(JsonNode record, String field) {
        JsonNode direct = record.get(field);
        if (direct != null || field.indexOf('.') < 0) {
            return direct;
        }
        JsonNode node = record;
        for (String part : field.split("\\.", -1)) {
            node = node == null ? null : node.get(part);
        }
        return node;
    }
}

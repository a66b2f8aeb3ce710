package org.sparktrain.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Loads a job configuration: YAML (or JSON) file, then {@code --set key.path=value} overrides, then binding to the
 * job's immutable config record, whose compact constructor fills defaults and validates.
 *
 * <p>Jackson (databind + dataformat-yaml) does the parsing and binding; this class only turns its exceptions into
 * messages that name the full key path, e.g. {@code engine.workers: must be at least 1, got 0} or
 * {@code unknown config key 'engine.wrkers' (known keys at 'engine': ...)}. Unknown keys are always errors.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .setVisibility(com.fasterxml.jackson.annotation.PropertyAccessor.IS_GETTER,
                    com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.NONE);

    private ConfigLoader() {
    }

    /** Parses YAML text into a tree; an empty document is an empty mapping. */
    public static ObjectNode parse(String yamlText, String sourceName) {
        try {
            JsonNode node = YAML.readTree(yamlText);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException(sourceName + ": the top level must be a mapping of keys to values");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new ConfigException(sourceName + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""), e);
        }
    }

    public static ObjectNode parse(InputStream in, String sourceName) throws IOException {
        return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), sourceName);
    }

    /**
     * Applies one {@code key.path=value} override. The value is read as a YAML scalar or flow collection, so
     * {@code 3} is a number, {@code true} a boolean, {@code [64,32]} a list and anything else a string. A map key
     * that itself contains dots goes in brackets: {@code spark.conf[spark.driver.memory]=4g}.
     */
    public static void applyOverride(ObjectNode root, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("--set expects key.path=value, got '" + assignment + "'");
        }
        String key = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1);
        JsonNode value;
        try {
            value = raw.isEmpty() ? JsonNodeFactory.instance.nullNode() : YAML.readTree(raw);
            if (value == null || value.isMissingNode()) {
                value = JsonNodeFactory.instance.nullNode();
            }
        } catch (JsonProcessingException e) {
            value = JsonNodeFactory.instance.textNode(raw);
        }
        String[] parts = splitPath(key);
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null || child.isNull()) {
                child = node.putObject(parts[i]);
            } else if (!child.isObject()) {
                throw new ConfigException("--set " + key + ": '" + String.join(".", List.of(parts).subList(0, i + 1))
                        + "' is a value, not a section");
            }
            node = (ObjectNode) child;
        }
        node.set(parts[parts.length - 1], value);
    }

    static String[] splitPath(String key) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '[') {
                int end = key.indexOf(']', i);
                if (end < 0) {
                    throw new ConfigException("--set " + key + ": unclosed '['");
                }
                if (cur.length() > 0) {
                    parts.add(cur.toString());
                    cur.setLength(0);
                }
                parts.add(key.substring(i + 1, end));
                i = end;
                if (i + 1 < key.length() && key.charAt(i + 1) == '.') {
                    i++;
                }
            } else if (c == '.') {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) {
            parts.add(cur.toString());
        }
        if (parts.isEmpty() || parts.contains("")) {
            throw new ConfigException("--set " + key + ": empty key segment");
        }
        return parts.toArray(String[]::new);
    }

    /** Binds a tree to a config record, translating every binding error into a {@link ConfigException}. */
    public static <T> T bind(JsonNode tree, Class<T> type, String sourceName) {
        try {
            return YAML.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            String path = pathOf(e);
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
            throw new ConfigException(sourceName + ": unknown config key '" + path + "'"
                    + (known.isEmpty() ? "" : " (known keys" + (parent.isEmpty() ? "" : " under '" + parent + "'")
                    + ": " + known + ")"), e);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String parent = pathOf(e);
            String msg = cause.getMessage();
            throw new ConfigException(sourceName + ": " + (parent.isEmpty() ? "" : parent + ".") + msg, e);
        } catch (InvalidFormatException e) {
            throw new ConfigException(sourceName + ": " + pathOf(e) + ": cannot read '" + e.getValue() + "' as "
                    + e.getTargetType().getSimpleName(), e);
        } catch (MismatchedInputException e) {
            throw new ConfigException(sourceName + ": " + pathOf(e) + ": wrong kind of value ("
                    + e.getOriginalMessage().split("\n")[0] + ")", e);
        } catch (JsonMappingException e) {
            throw new ConfigException(sourceName + ": " + pathOf(e) + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(sourceName + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The resolved config as YAML, as saved with every run. */
    public static String toYaml(Object config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render config as YAML", e);
        }
    }

    private static String pathOf(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }
}

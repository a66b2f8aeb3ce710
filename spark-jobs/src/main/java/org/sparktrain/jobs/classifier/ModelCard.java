package org.sparktrain.jobs.classifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

/**
 * The model card saved with every model ({@code model-card.json} and a Markdown rendering): method, citation, data,
 * training settings and metrics, as the architecture doc asks.
 */
public final class ModelCard {
    private ModelCard() {
    }

    public static ObjectNode create(String method, String citation) {
        ObjectNode card = new ObjectMapper().createObjectNode();
        card.put("method", method);
        card.put("citation", citation);
        card.put("trainedWith", "sparktrain " + ModelCard.class.getPackage().getImplementationVersion());
        return card;
    }

    public static String markdown(ObjectNode card) {
        StringBuilder md = new StringBuilder("# Model card\n\n");
        Iterator<Map.Entry<String, JsonNode>> fields = card.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            md.append("## ").append(f.getKey()).append("\n\n");
            JsonNode v = f.getValue();
            if (v.isObject()) {
                v.fields().forEachRemaining(e -> md.append("- **").append(e.getKey()).append("**: ")
                        .append(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()).append('\n'));
            } else {
                md.append(v.isTextual() ? v.asText() : v.toString()).append('\n');
            }
            md.append('\n');
        }
        return md.toString();
    }
}

package org.sparktrain.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The model card ({@code model/model-card.json}: method, citation, data, training, metrics, ...) as a two-column
 * table; nested objects become dotted keys ({@code data.dataset}), arrays are shown as JSON. Absent without a card.
 */
public final class ModelCardSection implements ReportSection {
    @Override
    public List<Section> render(RunData run) {
        if (run.modelCard().isEmpty()) {
            return List.of();
        }
        JsonNode card = run.modelCard().get();
        String html;
        if (card.isObject()) {
            HtmlTable t = new HtmlTable();
            flatten("", card, t);
            html = t.html();
        } else {
            html = Html.pre(card.toPrettyString());
        }
        return List.of(new Section("model-card", "Model card", List.of(new HtmlBlock(html))));
    }

    private static void flatten(String prefix, JsonNode node, HtmlTable out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String key = prefix + f.getKey();
            JsonNode v = f.getValue();
            if (v.isObject() && v.size() > 0) {
                flatten(key + ".", v, out);
            } else if (v.isNumber()) {
                out.row(key, v.isIntegralNumber() ? v.asText() : Formats.number(v.doubleValue()));
            } else {
                out.row(key, v.isValueNode() ? v.asText() : v.toString());
            }
        }
    }
}

package org.sparktrain.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The model card as a table and the resolved config verbatim. */
final class DetailsSection implements ReportSection {
    @Override
    public String render(RunData data, ChartSink charts) {
        StringBuilder html = new StringBuilder();
        JsonNode card = data.modelCard();
        if (card != null) {
            List<List<String>> rows = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> it = card.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isObject()) {
                    e.getValue().fields().forEachRemaining(f -> rows.add(List.of(e.getKey() + "." + f.getKey(),
                            f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString())));
                } else {
                    rows.add(List.of(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
                }
            }
            html.append("<h2>Model card</h2>\n").append(Html.table(List.of("field", "value"), rows));
        }
        if (data.config() != null) {
            html.append("<h2>Config</h2>\n<pre>").append(Html.esc(data.config())).append("</pre>\n");
        }
        return html.toString();
    }
}

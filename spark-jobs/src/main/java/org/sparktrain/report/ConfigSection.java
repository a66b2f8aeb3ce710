package org.sparktrain.report;

import java.util.List;

/** The run's resolved {@code config.yaml}, verbatim (HTML-escaped). Absent when the run has none. */
public final class ConfigSection implements ReportSection {
    @Override
    public List<Section> render(RunData run) {
        return run.config()
                .map(text -> List.of(new Section("config", "Configuration (" + RunData.CONFIG + ")",
                        List.of(new HtmlBlock(Html.pre(text))))))
                .orElse(List.of());
    }
}

package org.sparktrain.data.table;

import org.sparktrain.data.DatasetManifest;

import java.util.Locale;

/** What the label of a table is: a class ({@link DatasetManifest#TABLE_CLASSIFICATION}) or a real target. */
public enum TableTask {
    REGRESSION, CLASSIFICATION;

    /** {@code regression} or {@code classification} (any case); anything else names the config key {@code task}. */
    public static TableTask parse(String value) {
        for (TableTask t : values()) {
            if (t.name().equalsIgnoreCase(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("task: must be regression or classification, got '" + value + "'");
    }

    /** The manifest kind of a table with this task. */
    public String kind() {
        return this == REGRESSION ? DatasetManifest.TABLE_REGRESSION : DatasetManifest.TABLE_CLASSIFICATION;
    }

    /** The lower-case name used in configs and manifests. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

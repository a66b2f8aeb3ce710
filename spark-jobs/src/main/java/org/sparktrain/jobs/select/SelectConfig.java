package org.sparktrain.jobs.select;

import org.sparktrain.config.Check;
import org.sparktrain.data.sampling.SelectionSettings;
import org.sparktrain.jobs.SparkConfig;

/**
 * Config of {@code sparktrain select} (example: deploy/configs/select-mnist.yaml; docs/selection.md).
 *
 * @param runId     label of this selection, recorded in Spark job descriptions; default {@code select}
 * @param data      the source prepared dataset ({@code data.dataset}); required
 * @param model     optional run directory of a finished {@code train-classifier} run (or its {@code model/}
 *                  directory): its loss is evaluated at the k cluster representatives and, with
 *                  {@code selection.embedding: model}, its penultimate layer embeds the records
 * @param selection the selection settings ({@code selection.m} or {@code selection.fraction} required)
 * @param output    where the selected dataset goes (a prepared dataset with weights), any Hadoop path; required
 * @param spark     Spark settings for runs outside spark-submit
 */
public record SelectConfig(String runId, Source data, String model, SelectionSettings selection, String output,
                           SparkConfig spark) implements java.io.Serializable {
    public SelectConfig {
        runId = runId == null ? "select" : runId;
        if (data == null) {
            throw new IllegalArgumentException("data: is required (data.dataset = path of a prepared dataset)");
        }
        if (selection == null) {
            throw new IllegalArgumentException("selection: is required (at least selection.m or selection.fraction)");
        }
        model = model == null || model.isBlank() ? null : model;
        output = Check.required("output", output);
        spark = spark == null ? SparkConfig.defaults() : spark;
    }

    /** @param dataset path of the prepared dataset to select from (its train split); required */
    public record Source(String dataset) implements java.io.Serializable {
        public Source {
            dataset = Check.required("dataset", dataset);
        }
    }
}

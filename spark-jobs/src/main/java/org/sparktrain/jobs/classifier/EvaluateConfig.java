package org.sparktrain.jobs.classifier;

import org.sparktrain.config.Check;
import org.sparktrain.jobs.SparkConfig;

/**
 * Config of {@code sparktrain evaluate}.
 *
 * @param run     run directory holding {@code model/} (required)
 * @param dataset prepared dataset to evaluate on; default the run's training dataset
 * @param split   split to evaluate; default {@code test}
 * @param spark   Spark settings for runs outside spark-submit
 */
public record EvaluateConfig(String run, String dataset, String split, SparkConfig spark) implements java.io.Serializable {
    public EvaluateConfig {
        run = Check.required("run", run);
        split = split == null ? "test" : split;
        spark = spark == null ? SparkConfig.defaults() : spark;
    }
}

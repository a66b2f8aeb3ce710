package org.sparktrain.jobs;

import java.util.Map;

/**
 * How a job gets its Spark session when it is not started by {@code spark-submit} or inside a notebook (where the
 * existing session is used and never stopped).
 *
 * @param master Spark master for local runs; default {@code local[*]}
 * @param conf   extra Spark settings, e.g. {@code spark.driver.memory}; applied when sparktrain creates the session
 */
public record SparkConfig(String master, Map<String, String> conf) implements java.io.Serializable {
    public SparkConfig {
        master = master == null ? "local[*]" : master;
        conf = conf == null ? Map.of() : Map.copyOf(conf);
    }

    public static SparkConfig defaults() {
        return new SparkConfig(null, null);
    }
}

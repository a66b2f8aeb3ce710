package org.sparktrain.jobs;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.engine.OffHeapMemory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Gets the Spark session a job runs in, following Spark users' habits:
 * <ul>
 *   <li>an active session (Zeppelin, spark-shell, a test) is reused and never stopped;</li>
 *   <li>under {@code spark-submit} ({@code spark.master} set by the launcher) the submitted settings win;</li>
 *   <li>otherwise an embedded local Spark is started with the job's {@link SparkConfig}.</li>
 * </ul>
 * In the last two cases sparktrain's defaults are added when not set: Kryo with
 * {@link org.sparktrain.engine.SparktrainKryoRegistrator}, the Java 17 {@code --add-opens} flags for executors (from
 * the build's one list, resource {@code sparktrain/jvm-options.txt}), no console progress bar (the engine prints its
 * own progress line), and a bounded wait for barrier-stage slots.
 */
public final class SparkSessions {
    private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);

    /** Sessions this class started (a CLI run stops those at the end, never one it found running). */
    private static final java.util.Set<SparkSession> CREATED =
            java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    private SparkSessions() {
    }

    public static SparkSession getOrCreate(String appName, SparkConfig config) {
        SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
        if (active == null) {
            active = SparkSession.getDefaultSession().getOrElse(() -> null);
        }
        if (active != null && !active.sparkContext().isStopped()) {
            LOG.info("using the existing Spark session (master {}); it will not be stopped", active.sparkContext().master());
            return active;
        }
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        boolean submitted = System.getProperty("spark.master") != null;
        String master = submitted ? System.getProperty("spark.master") : config.master();
        if (!submitted) {
            b.master(master);
        }
        Map<String, String> user = config.conf();
        setDefault(b, user, "spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        setDefault(b, user, "spark.kryo.registrator", "org.sparktrain.engine.SparktrainKryoRegistrator");
        setDefault(b, user, "spark.ui.showConsoleProgress", "false");
        setDefault(b, user, "spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "5s");
        setDefault(b, user, "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "24");
        String opens = jvmOptions();
        String executorOpts = System.getProperty("spark.executor.extraJavaOptions", user.getOrDefault("spark.executor.extraJavaOptions", ""));
        if (!executorOpts.contains("--add-opens")) {
            executorOpts = (executorOpts + " " + opens).trim();
        }
        if (!executorOpts.contains("org.bytedeco.javacpp.maxbytes") && !master.startsWith("local")) {
            OffHeapMemory.Settings mem = OffHeapMemory.derive(
                    System.getProperty("spark.executor.memory", user.get("spark.executor.memory")),
                    System.getProperty("spark.executor.memoryOverhead", user.get("spark.executor.memoryOverhead")));
            executorOpts = executorOpts + " " + mem.javaOptions();
            if (System.getProperty("spark.executor.memoryOverhead") == null && !user.containsKey("spark.executor.memoryOverhead")) {
                b.config("spark.executor.memoryOverhead", (mem.overheadBytes() >> 20) + "m");
            }
            LOG.info("executor memory: {}", mem);
        }
        b.config("spark.executor.extraJavaOptions", executorOpts);
        if (master.startsWith("local")) {
            setDefault(b, user, "spark.driver.host", "127.0.0.1");
            setDefault(b, user, "spark.driver.bindAddress", "127.0.0.1");
            setDefault(b, user, "spark.ui.enabled", System.getProperty("spark.ui.enabled", "false"));
        }
        user.forEach(b::config);
        SparkSession session = b.getOrCreate();
        synchronized (CREATED) {
            CREATED.add(session);
        }
        SparkContext sc = session.sparkContext();
        LOG.info("Spark {} session started: master {}, app {}", sc.version(), sc.master(), sc.applicationId());
        return session;
    }

    /** True when sparktrain started the session itself, so a CLI run stops it at the end. */
    public static boolean ownedByCli(SparkSession session) {
        synchronized (CREATED) {
            return CREATED.contains(session);
        }
    }

    /** The one list of Java 17 flags (from the parent POM, filtered into the jar at build time). */
    public static String jvmOptions() {
        try (InputStream in = SparkSessions.class.getResourceAsStream("/sparktrain/jvm-options.txt")) {
            if (in == null) {
                return "";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void setDefault(SparkSession.Builder b, Map<String, String> user, String key, String value) {
        if (!user.containsKey(key) && System.getProperty(key) == null) {
            b.config(key, value);
        }
    }
}

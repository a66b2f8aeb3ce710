package org.sparktrain.engine;

import org.apache.spark.SparkConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.BadInputException;

import java.util.Locale;

/**
 * ND4J keeps arrays off the Java heap (JavaCPP), limited by {@code -Dorg.bytedeco.javacpp.maxbytes} (off-heap arrays)
 * and {@code -Dorg.bytedeco.javacpp.maxphysicalbytes} (the whole process); on a cluster the container also needs
 * {@code spark.executor.memoryOverhead} to cover it, or YARN/Kubernetes kill the executor. This class derives
 * consistent values from the executor settings, so users size one thing:
 * <pre>
 *   overhead = spark.executor.memoryOverhead, else max(1 GiB, executor heap)      (Spark's own default of 10% is far
 *                                                                                  too small for ND4J)
 *   maxbytes = 80% of overhead;  maxphysicalbytes = heap + 95% of overhead
 * </pre>
 * and fails fast, naming the setting to raise, when the configured overhead cannot hold what a model needs.
 */
public final class OffHeapMemory {
    private static final Logger LOG = LoggerFactory.getLogger(OffHeapMemory.class);
    static final long MIB = 1L << 20;

    private OffHeapMemory() {
    }

    /** Executor memory settings derived from the heap and (optional) overhead. */
    public record Settings(long heapBytes, long overheadBytes, long maxBytes, long maxPhysicalBytes) {
        public String javaOptions() {
            return "-Dorg.bytedeco.javacpp.maxbytes=" + maxBytes + " -Dorg.bytedeco.javacpp.maxphysicalbytes=" + maxPhysicalBytes;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "executor heap %d MiB, memoryOverhead %d MiB, ND4J off-heap limit "
                    + "(javacpp.maxbytes) %d MiB, process limit (javacpp.maxphysicalbytes) %d MiB", heapBytes / MIB,
                    overheadBytes / MIB, maxBytes / MIB, maxPhysicalBytes / MIB);
        }
    }

    public static Settings derive(String executorMemory, String memoryOverhead) {
        long heap = parse(executorMemory == null ? "1g" : executorMemory);
        long overhead = memoryOverhead == null ? Math.max(1024 * MIB, heap) : parse(memoryOverhead);
        return new Settings(heap, overhead, overhead * 8 / 10, heap + overhead * 95 / 100);
    }

    /** Derives from a SparkConf (what spark-submit or the session builder set). */
    public static Settings derive(SparkConf conf) {
        return derive(conf.get("spark.executor.memory", "1g"),
                conf.contains("spark.executor.memoryOverhead") ? conf.get("spark.executor.memoryOverhead") : null);
    }

    /**
     * Fails before training when the ND4J off-heap limit cannot hold the model's parameters, gradient, updater state
     * and a working margin (a rough lower bound: 8 copies of the parameters plus 256 MiB for activations).
     */
    public static void requireFits(Settings s, long numParams, String what) {
        long needed = needed(numParams);
        LOG.info("off-heap memory: {}; {} needs at least ~{} MiB", s, what, needed / MIB);
        if (s.maxBytes() < needed) {
            throw new BadInputException(String.format(Locale.ROOT, "%s needs at least ~%d MiB of ND4J off-heap memory "
                    + "per executor but the limit is %d MiB: raise spark.executor.memoryOverhead (now %d MiB; the "
                    + "limit org.bytedeco.javacpp.maxbytes is derived as 80%% of it)", what, needed / MIB,
                    s.maxBytes() / MIB, s.overheadBytes() / MIB));
        }
    }

    /**
     * The check the engine runs before training, against the limit the executors really have: in local mode the
     * executors are the driver JVM, whose {@code org.bytedeco.javacpp.maxbytes} is read from JavaCPP; on a cluster an
     * explicit {@code -Dorg.bytedeco.javacpp.maxbytes} in {@code spark.executor.extraJavaOptions} wins, else the
     * value derived from {@code spark.executor.memoryOverhead} (what {@code SparkSessions} sets).
     */
    public static void requireFitsOnExecutors(SparkConf conf, long numParams, String what) {
        String master = conf.get("spark.master", "local[*]");
        if (master.startsWith("local")) {
            requireFits(org.bytedeco.javacpp.Pointer.maxBytes(), numParams, what, "raise the driver JVM's "
                    + "-Dorg.bytedeco.javacpp.maxbytes (SPARKTRAIN_OFFHEAP for deploy/bin/sparktrain, "
                    + "spark.driver.extraJavaOptions for spark-submit)");
            return;
        }
        java.util.regex.Matcher explicit = java.util.regex.Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.maxbytes=(\\S+)")
                .matcher(conf.get("spark.executor.extraJavaOptions", ""));
        if (explicit.find()) {
            requireFits(parseBytes(explicit.group(1)), numParams, what, "raise -Dorg.bytedeco.javacpp.maxbytes in "
                    + "spark.executor.extraJavaOptions, and spark.executor.memoryOverhead with it");
        } else {
            requireFits(derive(conf), numParams, what);
        }
    }

    /** Bytes needed: 8 copies of the parameters (params, gradient, updater state, buffers) plus 256 MiB activations. */
    static long needed(long numParams) {
        return 8 * 4 * numParams + 256 * MIB;
    }

    static void requireFits(long limitBytes, long numParams, String what, String advice) {
        long needed = needed(numParams);
        LOG.info("off-heap memory: limit {} MiB; {} needs at least ~{} MiB", limitBytes / MIB, what, needed / MIB);
        if (limitBytes < needed) {
            throw new BadInputException(String.format(Locale.ROOT, "%s needs at least ~%d MiB of ND4J off-heap memory "
                    + "per executor but the limit is %d MiB: %s", what, needed / MIB, limitBytes / MIB, advice));
        }
    }

    /** JavaCPP's byte strings: plain bytes or a k/m/g/t suffix (binary units). */
    static long parseBytes(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        return Character.isDigit(s.charAt(s.length() - 1)) ? Long.parseLong(s) : parse(s);
    }

    /** Spark memory strings: 512m, 4g, 1024k, 2t, or plain bytes. */
    static long parse(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = s.charAt(s.length() - 1);
        if (Character.isLetter(last)) {
            s = s.endsWith("b") ? s.substring(0, s.length() - 1) : s;
            last = s.charAt(s.length() - 1);
            unit = switch (last) {
                case 'k' -> 1L << 10;
                case 'm' -> MIB;
                case 'g' -> 1L << 30;
                case 't' -> 1L << 40;
                default -> throw new BadInputException("cannot read memory size '" + v + "'");
            };
            s = s.substring(0, s.length() - 1);
        } else {
            unit = MIB; // Spark reads plain numbers for these settings as MiB
        }
        try {
            return Long.parseLong(s.trim()) * unit;
        } catch (NumberFormatException e) {
            throw new BadInputException("cannot read memory size '" + v + "'");
        }
    }
}

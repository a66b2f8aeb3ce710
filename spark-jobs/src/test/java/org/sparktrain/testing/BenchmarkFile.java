package org.sparktrain.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Writes a benchmark's results into a markdown file under {@code docs/} (path relative to the spark-jobs module),
 * replacing the block between {@code <!-- bench:NAME -->} and {@code <!-- /bench:NAME -->} (appended if absent),
 * headed by the command, the machine (with its load average at the start and the end) and the UTC date and time, so
 * every number in the file comes from a recorded run. The file is replaced atomically (temp file, then rename).
 */
public final class BenchmarkFile {
    private BenchmarkFile() {
    }

    /** 1-minute load average from /proc/loadavg (NaN off Linux). */
    public static double load() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Cores, CPU model, memory, Java version. */
    public static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException ignored) {
            // not Linux
        }
        long mem = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() >> 30;
        return String.format(Locale.ROOT, "%d cores (%s), %d GiB RAM, Java %s",
                Runtime.getRuntime().availableProcessors(), cpu, mem, System.getProperty("java.version"));
    }

    /**
     * " NAME=value" for every set environment variable whose name starts with {@code prefix}, sorted by name: the
     * settings a benchmark's recorded command needs to be rerun with the same sizes.
     */
    public static String environment(String prefix) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(System.getenv()).forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                s.append(' ').append(k).append('=').append(v);
            }
        });
        return s.toString();
    }

    /**
     * The recorded command of a benchmark driven by {@code SPARKTRAIN_BENCH*} environment variables: every such
     * variable of this run, then the Maven call that runs {@code test} (a class, or {@code Class#method}).
     */
    public static String command(String test) {
        return "SPARKTRAIN_BENCH=1" + environment("SPARKTRAIN_BENCH_") + " mvn -B -o -pl spark-jobs -am test -Dtest="
                + test + " -Dsurefire.failIfNoSpecifiedTests=false";
    }

    public static synchronized void write(String file, String name, String title, String command, double loadAtStart,
                                          String body) {
        Path path = Path.of("..", "docs", file);
        try {
            String doc = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8)
                    : "# " + title + "\n";
            String open = "<!-- bench:" + name + " -->";
            String close = "<!-- /bench:" + name + " -->";
            String block = open + "\n## " + title + "\n\n- command: `" + command + "`\n- machine: " + machine()
                    + String.format(Locale.ROOT, ", shared with other agents' builds and tests: load average %.2f at "
                    + "the start, %.2f at the end", loadAtStart, load())
                    + "\n- date: " + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
                    + " UTC\n\n" + body.strip() + "\n" + close;
            int a = doc.indexOf(open);
            int b = doc.indexOf(close);
            doc = a >= 0 && b > a ? doc.substring(0, a) + block + doc.substring(b + close.length())
                    : doc.stripTrailing() + "\n\n" + block + "\n";
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            Files.writeString(tmp, doc, StandardCharsets.UTF_8);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + path, e);
        }
    }
}

package org.sparktrain.bench;

import org.sparktrain.testing.BenchmarkFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;

/**
 * Writes a benchmark's results into {@code docs/benchmarks.md}, replacing the block between
 * {@code <!-- bench:NAME -->} and {@code <!-- /bench:NAME -->} (appended if absent), headed by the command that
 * produced it, the machine and the date, so every number in the document comes from a recorded run.
 */
public final class BenchReport {
    private BenchReport() {
    }

    public static Path docs() {
        String root = System.getProperty("sparktrain.root.dir", "..");
        return Path.of(root, "docs", "benchmarks.md");
    }

    /** Cores, CPU model, memory and Java version ({@link BenchmarkFile#machine()}), then the load average now. */
    public static String machine() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return BenchmarkFile.machine() + String.format(Locale.ROOT, ", load average %.2f at start", load);
    }

    public static synchronized void write(String name, String title, String command, String machine, String body) {
        Path file = docs();
        try {
            String doc = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
                    : "# sparktrain benchmarks\n\nEvery table below was written by the benchmark named in its heading, "
                    + "with the command, machine and date of the run.\n";
            String open = "<!-- bench:" + name + " -->";
            String close = "<!-- /bench:" + name + " -->";
            String block = open + "\n## " + title + "\n\n" + "- command: `" + command + "`\n- machine: " + machine
                    + "\n- date: " + LocalDate.now() + "\n\n" + body.strip() + "\n" + close;
            int a = doc.indexOf(open);
            int b = doc.indexOf(close);
            if (a >= 0 && b > a) {
                doc = doc.substring(0, a) + block + doc.substring(b + close.length());
            } else {
                doc = doc.stripTrailing() + "\n\n" + block + "\n";
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, doc, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file, e);
        }
    }
}

package org.sparktrain.testing;

import org.sparktrain.cli.SparktrainCli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One in-process run of the sparktrain command line through {@link SparktrainCli#run} (the entry point the
 * {@code sparktrain} script calls), for the end-to-end tests: the exit code and what the run printed. Tests
 * {@code import static org.sparktrain.testing.CliRun.cli}.
 *
 * @param code the exit code (0 success, 2 bad input, ...)
 * @param out  what the run printed to stdout
 * @param err  what the run printed to stderr
 */
public record CliRun(int code, String out, String err) {
    /** Runs {@code sparktrain args...} with stdout and stderr captured apart. */
    public static CliRun cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SparktrainCli.run(args, utf8(out), utf8(err));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public static CliRun cli(List<String> args) {
        return cli(args.toArray(String[]::new));
    }

    /**
     * Runs {@code sparktrain args...}, appends stdout and stderr, interleaved as printed, to {@code log} (one log
     * for a test's several runs, shown when an assertion fails) and returns the exit code.
     */
    public static int cli(List<String> args, StringBuilder log) {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        int code = SparktrainCli.run(args.toArray(String[]::new), utf8(both), utf8(both));
        log.append(both.toString(StandardCharsets.UTF_8));
        return code;
    }

    private static PrintStream utf8(ByteArrayOutputStream buffer) {
        return new PrintStream(buffer, true, StandardCharsets.UTF_8);
    }
}

package org.sparktrain.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.config.ConfigException;
import org.sparktrain.config.ConfigLoader;
import org.sparktrain.data.BadInputException;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.SparkSessions;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one command line of sparktrain, also the main class for {@code spark-submit}:
 * <pre>
 * sparktrain &lt;job&gt; --config job.yaml [--set key.path=value ...] [--run-id ID] [--resume] [--dry-run | --validate]
 *     [--master URL]
 * </pre>
 * Exit codes: 0 success; 2 bad usage, config or input (the message names the key or file); 1 any other failure.
 * {@code --dry-run} resolves and checks the arguments and the config (every key known, every value in range), prints
 * the resolved config and exits without touching data: a scheduler can check a whole pipeline's argument lists
 * before any of its inputs exist. {@code --validate} does the same and also checks the job's inputs (they exist and
 * have the expected shape) and that its outputs are writable; nothing is run either way.
 */
public final class SparktrainCli {
    private static final Logger LOG = LoggerFactory.getLogger(SparktrainCli.class);
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    private SparktrainCli() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != OK) {
            System.exit(code);
        }
    }

    /** Parsed command line. */
    record Args(String job, String config, List<String> sets, String runId, boolean resume, boolean dryRun,
                boolean validate, String master, boolean help) {
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = parse(argv);
        } catch (ConfigException e) {
            err.println("sparktrain: " + e.getMessage());
            err.println("usage: " + usage());
            return BAD_INPUT;
        }
        if (args.help() || args.job() == null) {
            out.println(help());
            return args.job() == null && !args.help() ? BAD_INPUT : OK;
        }
        Job<?> job = JobRegistry.get(args.job());
        if (job == null) {
            err.println("sparktrain: unknown job '" + args.job() + "'; jobs: " + String.join(", ", JobRegistry.all().keySet()));
            return BAD_INPUT;
        }
        JobContext ctx = JobContext.of(job.name(), args.resume(), args.dryRun() || args.validate(), out);
        try {
            return execute(job, args, ctx, out);
        } catch (BadInputException e) {
            err.println("sparktrain " + job.name() + ": " + e.getMessage());
            LOG.debug("bad input", e);
            return BAD_INPUT;
        } catch (Throwable e) {
            Throwable root = rootCause(e);
            if (root instanceof BadInputException bad) {
                err.println("sparktrain " + job.name() + ": " + bad.getMessage());
                return BAD_INPUT;
            }
            err.println("sparktrain " + job.name() + " failed: " + e);
            e.printStackTrace(err);
            return FAILED;
        } finally {
            SparkSession s = ctx.sessionIfStarted();
            if (s != null && SparkSessions.ownedByCli(s)) {
                s.stop();
            }
        }
    }

    private static <C> int execute(Job<C> job, Args args, JobContext ctx, PrintStream out) throws Exception {
        String source = args.config() == null ? "(no --config)" : args.config();
        ObjectNode tree = args.config() == null ? ConfigLoader.parse("", source) : readConfig(args.config());
        for (String set : args.sets()) {
            ConfigLoader.applyOverride(tree, set);
        }
        if (args.runId() != null) {
            if (job.runIdKey() == null) {
                throw new ConfigException("--run-id: job " + job.name() + " has no run id");
            }
            ConfigLoader.applyOverride(tree, job.runIdKey() + "=" + args.runId());
        }
        if (args.master() != null) {
            ConfigLoader.applyOverride(tree, job.sparkKey() + ".master=" + args.master());
        }
        C config = ConfigLoader.bind(tree, job.configType(), source);
        String yaml = ConfigLoader.toYaml(config);
        LOG.info("resolved config of {}:\n{}", job.name(), yaml);
        if (args.validate()) {
            job.validate(config, ctx);
            out.println("# sparktrain " + job.name() + ": config, inputs and outputs are valid (nothing was run)");
            out.print(yaml);
            return OK;
        }
        if (args.dryRun()) {
            out.println("# sparktrain " + job.name() + ": arguments and config are valid (dry run, inputs not checked)");
            out.print(yaml);
            return OK;
        }
        job.run(config, ctx);
        return OK;
    }

    static ObjectNode readConfig(String location) {
        Path path = new Path(location);
        try {
            FileSystem fs = path.getFileSystem(new Configuration());
            if (!fs.exists(path)) {
                throw new ConfigException("--config: " + location + " does not exist");
            }
            try (FSDataInputStream in = fs.open(path)) {
                return ConfigLoader.parse(in, location);
            }
        } catch (IOException e) {
            throw new ConfigException("--config: cannot read " + location + " (" + e.getMessage() + ")", e);
        }
    }

    static Args parse(String[] argv) {
        String job = null;
        String config = null;
        String runId = null;
        String master = null;
        boolean resume = false;
        boolean dryRun = false;
        boolean validate = false;
        boolean help = false;
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            switch (a) {
                case "--config", "-c" -> config = value(argv, ++i, a);
                case "--set" -> sets.add(value(argv, ++i, a));
                case "--run-id" -> runId = value(argv, ++i, a);
                case "--master" -> master = value(argv, ++i, a);
                case "--resume" -> resume = true;
                case "--dry-run" -> dryRun = true;
                case "--validate" -> validate = true;
                case "--help", "-h", "help" -> help = true;
                default -> {
                    if (a.startsWith("--set=")) {
                        sets.add(a.substring(6));
                    } else if (a.startsWith("--config=")) {
                        config = a.substring(9);
                    } else if (a.startsWith("-")) {
                        throw new ConfigException("unknown option '" + a + "'");
                    } else if (job == null) {
                        job = a;
                    } else {
                        throw new ConfigException("unexpected argument '" + a + "'");
                    }
                }
            }
        }
        if (dryRun && validate) {
            throw new ConfigException("--dry-run and --validate exclude each other (--validate also checks the inputs)");
        }
        return new Args(job, config, sets, runId, resume, dryRun, validate, master, help);
    }

    private static String value(String[] argv, int i, String option) {
        if (i >= argv.length || argv[i].startsWith("--")) {
            throw new ConfigException(option + " needs a value");
        }
        return argv[i];
    }

    static String usage() {
        return "sparktrain <job> --config job.yaml [--set key.path=value ...] [--run-id ID] [--resume] [--dry-run | --validate] [--master URL]";
    }

    static String help() {
        StringBuilder s = new StringBuilder("usage: ").append(usage()).append("\n\njobs:\n");
        for (Map.Entry<String, Job<?>> e : JobRegistry.all().entrySet()) {
            s.append(String.format("  %-18s %s%n", e.getKey(), e.getValue().description()));
        }
        s.append("\nexit codes: 0 success, 2 bad usage/config/input (message names the key or file), 1 failure\n");
        s.append("example configs: deploy/configs/\n");
        return s.toString();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            if (t instanceof BadInputException) {
                return t;
            }
            t = t.getCause();
        }
        return t;
    }
}

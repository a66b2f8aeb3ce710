package org.sparktrain.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparktrain.config.ConfigLoader;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.BadInputException;
import org.sparktrain.engine.Checkpoints;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The layout of one run on any Hadoop path (docs/architecture.md, "A run on disk"):
 * <pre>
 * &lt;output&gt;/&lt;run-id&gt;/config.yaml    resolved config
 *                      metrics.jsonl  one JSON object per logged step / epoch / evaluation
 *                      checkpoints/   step-NNNNNNNNN/ ...
 *                      model/         final model + model card
 *                      eval.json      final metrics
 *                      report.html    charts, metrics table, config
 * </pre>
 * Files are written atomically ({@link AtomicOutput}), so a failed or retried job never leaves a half-written model,
 * evaluation or report.
 */
public final class RunDirectory {
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._=+-]*");
    private final Path root;
    private final Configuration conf;

    public RunDirectory(String output, String runId, Configuration conf) {
        if (!RUN_ID.matcher(runId).matches()) {
            throw new BadInputException("runId: '" + runId + "' may only contain letters, digits and . _ = + -");
        }
        this.root = new Path(output, runId);
        this.conf = conf;
    }

    /** An existing run directory given by path (evaluate, report). */
    public static RunDirectory at(String path, Configuration conf) {
        Path p = new Path(path);
        return new RunDirectory(p.getParent() == null ? "." : p.getParent().toString(), p.getName(), conf);
    }

    public String path() {
        return root.toString();
    }

    public String runId() {
        return root.getName();
    }

    public String file(String name) {
        return new Path(root, name).toString();
    }

    public String modelDir() {
        return file("model");
    }

    public Configuration conf() {
        return conf;
    }

    /**
     * Fails now, naming the path, if the run's {@code config.yaml} could not be written (a training job's
     * {@code validate}, before any work).
     */
    public void checkWritable() {
        AtomicOutput.checkWritable(file("config.yaml"), conf);
    }

    /** Creates the directory and writes the resolved config, as YAML ({@link ConfigLoader#toYaml}), to {@code config.yaml}. */
    public void createWithConfig(Object config) {
        create();
        writeText("config.yaml", ConfigLoader.toYaml(config));
    }

    /**
     * The global step of the newest complete checkpoint when {@code resume} is set and there is one, else -1 (a
     * resumed run's metrics log keeps the records up to that step).
     */
    public long resumeStep(boolean resume) {
        return resume ? new Checkpoints(path(), conf).latestStep() : -1;
    }

    /** Creates the directory (fails with a message naming the path if it cannot be created). */
    public void create() {
        try {
            FileSystem fs = root.getFileSystem(conf);
            if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
                throw new BadInputException("output: " + root + " exists and is a file");
            }
            fs.mkdirs(root);
        } catch (IOException e) {
            throw new BadInputException("output: cannot create run directory " + root + " (" + e.getMessage() + ")", e);
        }
    }

    public boolean exists(String name) {
        try {
            Path p = new Path(root, name);
            return p.getFileSystem(conf).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a small text file atomically. */
    public void writeText(String name, String text) {
        try (AtomicOutput out = AtomicOutput.begin(file(name), conf)) {
            try (FSDataOutputStream os = out.fileSystem().create(out.tempPath(), true)) {
                os.write(text.getBytes(StandardCharsets.UTF_8));
            }
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file(name), e);
        }
    }

    public String readText(String name) {
        Path p = new Path(root, name);
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) {
                throw new BadInputException(p + " does not exist");
            }
            try (var in = fs.open(p)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}

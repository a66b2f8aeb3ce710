package org.sparktrain.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one JSON object per line ({@code type}, {@code step}, {@code epoch}, values, {@code time}).
 * Each record is flushed as it is written, so a run can be followed with {@code tail -f}. When a run resumes from
 * a checkpoint at step S, records of the interrupted attempt after S are dropped, so the log describes exactly the
 * steps that led to the final model. Thread-safe.
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FSDataOutputStream out;

    private MetricsLog(FSDataOutputStream out) {
        this.out = out;
    }

    /**
     * Opens {@code path} for writing, keeping the existing records with {@code step <= keepUpToStep}
     * ({@code -1} keeps none).
     */
    public static MetricsLog open(String path, Configuration conf, long keepUpToStep) {
        Path p = new Path(path);
        try {
            FileSystem fs = p.getFileSystem(conf);
            List<String> kept = new ArrayList<>();
            if (keepUpToStep >= 0 && fs.exists(p)) {
                // Read past Hadoop's local checksums: a run killed in the middle of a line leaves the .crc file
                // behind the data, and the checksummed local file system would refuse the whole file.
                FileSystem reader = fs instanceof ChecksumFileSystem local ? local.getRawFileSystem() : fs;
                try (BufferedReader r = new BufferedReader(new InputStreamReader(reader.open(p),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        try {
                            JsonNode n = JSON.readTree(line);
                            if (n != null && (!n.has("step") || n.get("step").asLong() <= keepUpToStep)) {
                                kept.add(line);
                            }
                        } catch (IOException e) {
                            // a line cut short by a crash: dropped
                        }
                    }
                }
            }
            FSDataOutputStream out = fs.create(p, true);
            for (String line : kept) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.hflush();
            return new MetricsLog(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics log " + path, e);
        }
    }

    public static ObjectNode record(String type) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type);
        return n;
    }

    public synchronized void write(ObjectNode record) {
        record.put("time", Instant.now().toString());
        try {
            out.write((JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8));
            out.hflush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close metrics log", e);
        }
    }
}

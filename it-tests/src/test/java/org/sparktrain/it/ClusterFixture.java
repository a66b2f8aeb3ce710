package org.sparktrain.it;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The set-up the standalone-cluster tests and benchmarks share: a scratch directory, a real HDFS (Hadoop's
 * MiniDFSCluster, optional), a Spark standalone master with 1-core 3 GiB workers on localhost
 * ({@link StandaloneCluster}), and MNIST prepared through the cluster. Data and runs go to HDFS when it is started,
 * else to the scratch directory; {@link #location} and {@link #fs} hide the difference. {@link #close()} stops the
 * cluster, then HDFS, then deletes the scratch directory (2-4 GB per test class: worker logs, HDFS blocks, runs;
 * {@link ScratchDirectories} says how to keep it).
 */
public final class ClusterFixture implements AutoCloseable {
    private final Path work;
    private final Hdfs hdfs;
    private final StandaloneCluster cluster;

    private ClusterFixture(String name, int workers, boolean withHdfs) throws Exception {
        this.work = Files.createTempDirectory(name);
        Hdfs h = withHdfs ? new Hdfs(work.resolve("hdfs"), 1) : null;
        try {
            this.cluster = new StandaloneCluster(workers, 1, "3g", work);
        } catch (Exception | Error e) {
            if (h != null) {
                h.close();
            }
            throw e;
        }
        this.hdfs = h;
    }

    /** A cluster with {@code workers} 1-core workers; data and runs on a real HDFS with one DataNode. */
    public static ClusterFixture withHdfs(String name, int workers) throws Exception {
        return new ClusterFixture(name, workers, true);
    }

    /** A cluster with {@code workers} 1-core workers; data and runs in the local scratch directory. */
    public static ClusterFixture withLocalFiles(String name, int workers) throws Exception {
        return new ClusterFixture(name, workers, false);
    }

    public Path work() {
        return work;
    }

    public StandaloneCluster cluster() {
        return cluster;
    }

    /** Where {@code relative} lives for the jobs: {@code hdfs://127.0.0.1:port/relative} or a local absolute path. */
    public String location(String relative) {
        return hdfs != null ? hdfs.uri() + "/" + relative : work.resolve(relative).toString();
    }

    /** The file system of {@link #location}: HDFS, or the local one. */
    public FileSystem fs() throws IOException {
        return hdfs != null ? hdfs.fs() : FileSystem.getLocal(new Configuration());
    }

    /** Prepares MNIST (sparktrain prepare, source mnist) through SparkSubmit in client mode; returns its location. */
    public String prepareMnist(String relative, Duration timeout) throws Exception {
        String output = location(relative);
        StandaloneCluster.Submission s = cluster.submit("client", Map.of(), timeout, "prepare",
                "--set", "source=mnist", "--set", "output=" + output);
        assertEquals(0, s.exitCode(), s.output());
        return output;
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } finally {
            try {
                if (hdfs != null) {
                    hdfs.close();
                }
            } finally {
                ScratchDirectories.delete(work);
            }
        }
    }
}

package org.sparktrain.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on localhost for integration tests: one Master and N Workers, each its own JVM
 * started from the Spark distribution assembled from Maven artifacts (deploy/spark-dist/target/spark-home), bound to
 * 127.0.0.1 on free ports, plus {@link #submit} through Spark's own {@code SparkSubmit}. Processes are stopped by
 * {@link #close()}.
 */
public final class StandaloneCluster implements AutoCloseable {
    private final Path root;
    private final Path sparkHome;
    private final Path work;
    private final String opens;
    private final int masterPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();

    public StandaloneCluster(int numWorkers, int coresPerWorker, String memoryPerWorker, Path work) throws Exception {
        this.root = Path.of(System.getProperty("sparktrain.root.dir", "..")).toAbsolutePath().normalize();
        this.sparkHome = root.resolve("deploy/spark-dist/target/spark-home");
        if (!Files.isDirectory(sparkHome.resolve("jars"))) {
            throw new IllegalStateException(sparkHome + " is missing: build with mvn install -pl deploy/spark-dist");
        }
        this.work = work;
        this.opens = Files.readString(root.resolve("deploy/target/sparktrain-local/conf/jvm-options")).trim();
        this.masterPort = freePort();
        this.master = start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                Integer.toString(masterPort), "--webui-port", Integer.toString(freePort()));
        for (int i = 0; i < numWorkers; i++) {
            addWorker(coresPerWorker, memoryPerWorker);
        }
        awaitWorkers(numWorkers, Duration.ofMinutes(5));
    }

    public String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** The source tree (system property sparktrain.root.dir, set by the parent POM). */
    public Path root() {
        return root;
    }

    public Path clusterJar() {
        return root.resolve("deploy/target/sparktrain-cluster.jar");
    }

    public String jvmOptions() {
        return opens;
    }

    public void addWorker(int cores, String memory) throws IOException {
        int i = workers.size();
        Path dir = Files.createDirectories(work.resolve("worker-" + i));
        workers.add(start("worker-" + i, "org.apache.spark.deploy.worker.Worker", masterUrl(), "--host", "127.0.0.1",
                "--cores", Integer.toString(cores), "--memory", memory, "--work-dir", dir.toString(),
                "--webui-port", Integer.toString(freePort())));
    }

    /** Workers started so far (killed ones included); indices for {@link #executors} and {@link #killWorker}. */
    public int workerCount() {
        return workers.size();
    }

    /** Kills a worker JVM and the executors it launched (an executor is a child process of its worker). */
    public void killWorker(int i) {
        Process w = workers.get(i);
        w.descendants().forEach(ProcessHandle::destroyForcibly);
        w.destroyForcibly();
    }

    /** The executor JVMs currently running under a worker. */
    public List<ProcessHandle> executors(int worker) {
        return workers.get(worker).descendants().toList();
    }

    /** Result of a spark-submit. */
    public record Submission(int exitCode, String output) {
    }

    /** Runs SparkSubmit as its own JVM and waits for it; {@code sparkConf} entries become --conf k=v. */
    public Submission submit(String deployMode, Map<String, String> sparkConf, Duration timeout, String... appArgs)
            throws Exception {
        List<String> cmd = submitCommand(deployMode, sparkConf, appArgs);
        Path log = Files.createTempFile(work, "submit-", ".log");
        Process p = builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("spark-submit did not finish within " + timeout + "; log: " + log);
        }
        return new Submission(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Starts a SparkSubmit without waiting (for fault tests); output goes to {@code log}. */
    public Process submitAsync(String deployMode, Path log, Map<String, String> sparkConf, String... appArgs)
            throws IOException {
        return builder(submitCommand(deployMode, sparkConf, appArgs)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    /** SparkSubmit of the cluster jar with the Java 17 flags, 1-core 1 GiB executors, plus {@code --conf k=v}. */
    private List<String> submitCommand(String deployMode, Map<String, String> sparkConf, String... appArgs) {
        List<String> cmd = java("submit", "org.apache.spark.deploy.SparkSubmit");
        cmd.addAll(List.of("--master", masterUrl(), "--deploy-mode", deployMode, "--class",
                "org.sparktrain.cli.SparktrainCli", "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.executor.extraJavaOptions=" + opens, "--conf", "spark.driver.extraJavaOptions=" + opens,
                "--conf", "spark.executor.memory=1g", "--conf", "spark.executor.cores=1",
                "--conf", "spark.standalone.submit.waitAppCompletion=true"));
        sparkConf.forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
        cmd.add(clusterJar().toString());
        cmd.addAll(List.of(appArgs));
        return cmd;
    }

    private Process start(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = java(name, mainClass);
        cmd.addAll(List.of(args));
        return builder(cmd).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
    }

    private List<String> java(String name, String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.addAll(List.of(opens.split("\\s+")));
        cmd.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
        return cmd;
    }

    private ProcessBuilder builder(List<String> cmd) {
        ProcessBuilder b = new ProcessBuilder(cmd).directory(work.toFile());
        b.environment().put("SPARK_HOME", sparkHome.toString());
        b.environment().put("SPARK_SCALA_VERSION", "2.12");
        b.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return b;
    }

    private void awaitWorkers(int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path log = work.resolve("master.log");
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).split("Registering worker", -1).length - 1 >= n) {
                return;
            }
            if (!master.isAlive()) {
                throw new IllegalStateException("Spark master died: " + Files.readString(log));
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException(n + " workers did not register within " + timeout + "; see " + log);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process w : workers) {
            w.descendants().forEach(ProcessHandle::destroyForcibly);
            w.destroyForcibly();
        }
        master.destroyForcibly();
    }
}

package org.sparktrain.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparktrain.zoo.ClassifierModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults on a real standalone cluster (three 1-core workers, jobs with 2 engine workers): a worker JVM killed in
 * the middle of training, the driver killed and the run resumed, and executors that never come. The runs with a
 * fault must end with exactly the parameters of the fault-free run: the engine reruns a failed round from the last
 * committed state and resumes from atomic checkpoints, so no update is lost or applied twice.
 */
class FaultToleranceIT {
    static ClusterFixture fixture;
    static Path work;
    static StandaloneCluster cluster;
    static String data;

    @BeforeAll
    static void start() throws Exception {
        fixture = ClusterFixture.withLocalFiles("sparktrain-faults", 3);
        work = fixture.work();
        cluster = fixture.cluster();
        data = fixture.prepareMnist("mnist", Duration.ofMinutes(15));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static String[] train(String runId, String... extra) {
        List<String> args = new ArrayList<>(List.of("train-classifier", "--run-id", runId,
                "--set", "output=" + work.resolve("runs"), "--set", "data.dataset=" + data,
                "--set", "data.validationSplit=none", "--set", "model.type=mlp", "--set", "model.hidden=[32]",
                "--set", "engine.workers=2", "--set", "engine.batchSize=200", "--set", "engine.epochs=2",
                "--set", "engine.checkpointEvery=50", "--set", "engine.logEvery=10",
                "--set", "optimizer.learningRate=0.002"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    static float[] params(String runId) throws Exception {
        return ClassifierModel.load(work.resolve("runs").resolve(runId).resolve("model")).network().params().toFloatVector();
    }

    /** Waits until the log shows the given progress text. */
    static void awaitLog(Path log, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("'" + text + "' did not appear in " + log + ":\n" + Files.readString(log));
    }

    @Test
    void aKilledWorkerAndAKilledDriverEndWithTheFaultFreeParameters() throws Exception {
        StandaloneCluster.Submission clean = cluster.submit("client", Map.of(), Duration.ofMinutes(20), train("clean"));
        assertEquals(0, clean.exitCode(), clean.output());
        float[] expected = params("clean");

        // a worker JVM (and its executor) dies in the middle of the first epoch; spark.cores.max=2 keeps the app to
        // the 2 executors that run the training tasks, so the victim is one of them and the third worker takes over
        Path log = work.resolve("worker-kill.log");
        Process job = cluster.submitAsync("client", log, Map.of("spark.cores.max", "2"), train("worker-killed"));
        awaitLog(log, "step 120/600", Duration.ofMinutes(10));
        int victim = -1;
        for (int w = 0; w < 3 && victim < 0; w++) {
            if (!cluster.executors(w).isEmpty()) {
                victim = w;
            }
        }
        assertTrue(victim >= 0, "an executor is running");
        cluster.killWorker(victim);
        assertTrue(job.waitFor(20, TimeUnit.MINUTES), "job finishes");
        String out = Files.readString(log);
        assertEquals(0, job.exitValue(), out);
        assertTrue(out.contains("retrying it from the last committed state"), "the round was rerun: " + out);
        assertArrayEquals(expected, params("worker-killed"), 0f);

        // the driver dies; rerunning with --resume continues from the last checkpoint
        Path log2 = work.resolve("driver-kill.log");
        Process driver = cluster.submitAsync("client", log2, Map.of(), train("driver-killed"));
        awaitLog(log2, "checkpoint at step 300", Duration.ofMinutes(10));
        driver.descendants().forEach(ProcessHandle::destroyForcibly);
        driver.destroyForcibly();
        driver.waitFor(1, TimeUnit.MINUTES);
        StandaloneCluster.Submission resumed = cluster.submit("client", Map.of(), Duration.ofMinutes(20),
                train("driver-killed", "--resume"));
        assertEquals(0, resumed.exitCode(), resumed.output());
        assertTrue(resumed.output().contains("resuming at step"), resumed.output());
        assertArrayEquals(expected, params("driver-killed"), 0f);
    }

    @Test
    void executorsThatNeverComeFailTheJobAfterTheTimeout() throws Exception {
        long t0 = System.nanoTime();
        StandaloneCluster.Submission s = cluster.submit("client", Map.of(), Duration.ofMinutes(6),
                train("too-wide", "--set", "engine.workers=6", "--set", "engine.batchSize=600",
                        "--set", "engine.executorWaitSeconds=20"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertNotEquals(0, s.exitCode());
        assertTrue(s.output().contains("waited 20 s for 6 executor task slots"), s.output());
        // JVM start, session and data loading take up to a few minutes on a loaded 2-core machine; without the
        // timeout the job would wait for the missing executors forever
        assertTrue(seconds < 300, "failed in " + seconds + " s");
    }
}

package org.sparktrain.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.fs.FileSystem;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults on a real standalone cluster (three 1-core workers, jobs with 2 engine workers): a worker JVM killed in
 * the middle of training (the classifier, and the MoE classifier whose per-expert routing biases are engine state
 * updated from the global loads), the driver killed and the run resumed, and executors that never come. The runs
 * with a fault must end with exactly the parameters (and biases) of the fault-free run: the engine reruns a failed
 * round from the last committed state and resumes from atomic checkpoints, so no update is lost or applied twice.
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

    /**
     * A small MoE classifier with loss-free balancing (2 blocks of 4 experts, top-2, d = 16) for 1 epoch of 300
     * steps; checkpoints (committed rounds) every 50 steps; every step logs its global loads and routing biases.
     */
    static String[] trainMoe(String runId) {
        return new String[]{"train-moe", "--run-id", runId, "--set", "output=" + work.resolve("runs"),
                "--set", "data.dataset=" + data, "--set", "data.validationSplit=none", "--set", "model.dModel=16",
                "--set", "model.layers=" + MOE_LAYERS, "--set", "model.experts=" + MOE_EXPERTS,
                "--set", "model.topK=" + MOE_TOP_K, "--set", "model.expertHidden=16",
                "--set", "balancing.strategy=loss-free", "--set", "balancing.rule=sign", "--set", "balancing.rate=0.001",
                "--set", "engine.workers=2", "--set", "engine.batchSize=200", "--set", "engine.epochs=1",
                "--set", "engine.checkpointEvery=50", "--set", "engine.logEvery=1"};
    }

    static final int MOE_LAYERS = 2;
    static final int MOE_EXPERTS = 4;
    static final int MOE_TOP_K = 2;

    static float[] params(String runId) throws Exception {
        return ClassifierModel.load(work.resolve("runs").resolve(runId).resolve("model")).network().params().toFloatVector();
    }

    /** A JSON array of numbers as floats (how the jobs write float32 values: shortest decimal of the float). */
    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.parseFloat(array.get(i).asText());
        }
        return out;
    }

    /** The {@code moe-experts} records of a run by step; a step run twice (a rerun round) has two records. */
    static TreeMap<Long, List<JsonNode>> expertRecords(FileSystem fs, String runId) throws Exception {
        TreeMap<Long, List<JsonNode>> byStep = new TreeMap<>();
        for (JsonNode r : RunFiles.records(fs, work.resolve("runs").resolve(runId).resolve("metrics.jsonl").toString(),
                "moe-experts")) {
            byStep.computeIfAbsent(r.get("step").asLong(), k -> new ArrayList<>()).add(r);
        }
        return byStep;
    }

    /** Global loads then routing biases of every layer of a {@code moe-experts} record, as one array. */
    static float[] loadsAndBiases(JsonNode record) {
        float[] out = new float[2 * MOE_LAYERS * MOE_EXPERTS];
        for (int l = 0; l < MOE_LAYERS; l++) {
            float[] tokens = floats(record.get("layer" + l).get("tokens"));
            float[] bias = floats(record.get("layer" + l).get("bias"));
            System.arraycopy(tokens, 0, out, l * MOE_EXPERTS, MOE_EXPERTS);
            System.arraycopy(bias, 0, out, (MOE_LAYERS + l) * MOE_EXPERTS, MOE_EXPERTS);
        }
        return out;
    }

    /**
     * Kills the first worker JVM that runs an executor, then starts a fresh worker so that the tests that follow find
     * three live workers again (the job under test only needs the remaining idle one).
     */
    static void killAWorkerRunningAnExecutor() throws Exception {
        int victim = -1;
        for (int w = 0; w < cluster.workerCount() && victim < 0; w++) {
            if (!cluster.executors(w).isEmpty()) {
                victim = w;
            }
        }
        assertTrue(victim >= 0, "an executor is running");
        cluster.killWorker(victim);
        cluster.addWorker(1, "3g");
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
        killAWorkerRunningAnExecutor();
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

    /**
     * Per-expert state through a lost worker: train-moe with loss-free balancing, whose routing biases (L x N floats,
     * replicated engine state) move after every step by u * sign(mean load - load_i) of the loads summed over both
     * workers. A worker JVM is killed mid-round; the rerun round must leave parameters and biases bit-identical to
     * the fault-free run, and replaying the sign rule over the recorded global loads of steps 1..300 (each once)
     * must give exactly the final biases: a load count applied twice (or lost) would show in both.
     */
    @Test
    void aKilledWorkerLeavesTheMoeRoutingBiasesAndParametersOfTheFaultFreeRun() throws Exception {
        StandaloneCluster.Submission clean = cluster.submit("client", Map.of(), Duration.ofMinutes(20), trainMoe("moe-clean"));
        assertEquals(0, clean.exitCode(), clean.output());

        Path log = work.resolve("moe-worker-kill.log");
        Process job = cluster.submitAsync("client", log, Map.of("spark.cores.max", "2"), trainMoe("moe-worker-killed"));
        awaitLog(log, "step 120/300", Duration.ofMinutes(10));
        killAWorkerRunningAnExecutor();
        assertTrue(job.waitFor(20, TimeUnit.MINUTES), "job finishes");
        String out = Files.readString(log);
        assertEquals(0, job.exitValue(), out);
        assertTrue(out.contains("retrying it from the last committed state"), "the round was rerun: " + out);

        FileSystem fs = fixture.fs();
        Path runs = work.resolve("runs");
        JsonNode cleanModel = RunFiles.json(fs, runs.resolve("moe-clean/model/moe-model.json").toString());
        JsonNode killedModel = RunFiles.json(fs, runs.resolve("moe-worker-killed/model/moe-model.json").toString());
        float[] bias = floats(cleanModel.get("bias"));
        assertEquals(MOE_LAYERS * MOE_EXPERTS, bias.length);
        assertArrayEquals(bias, floats(killedModel.get("bias")), 0f, "routing biases");
        assertArrayEquals(floats(cleanModel.get("params")), floats(killedModel.get("params")), 0f, "parameters");
        for (String f : new String[]{"params.f32", "global.f32"}) {
            String checkpoint = "checkpoints/step-000000300/" + f;
            assertArrayEquals(RunFiles.floats(fs, runs.resolve("moe-clean").resolve(checkpoint).toString()),
                    RunFiles.floats(fs, runs.resolve("moe-worker-killed").resolve(checkpoint).toString()), 0f, checkpoint);
        }

        // the fault-free run logged every step once; the killed run logged the steps of the interrupted round twice
        // (first attempt, rerun), each time with the loads and biases of the fault-free step
        TreeMap<Long, List<JsonNode>> cleanSteps = expertRecords(fs, "moe-clean");
        TreeMap<Long, List<JsonNode>> killedSteps = expertRecords(fs, "moe-worker-killed");
        assertEquals(300, cleanSteps.size());
        assertEquals(cleanSteps.keySet(), killedSteps.keySet());
        int rerunSteps = 0;
        for (Map.Entry<Long, List<JsonNode>> e : killedSteps.entrySet()) {
            assertEquals(1, cleanSteps.get(e.getKey()).size(), "step " + e.getKey());
            float[] expected = loadsAndBiases(cleanSteps.get(e.getKey()).get(0));
            for (JsonNode r : e.getValue()) {
                assertArrayEquals(expected, loadsAndBiases(r), 0f, "step " + e.getKey() + ": " + r);
            }
            rerunSteps += e.getValue().size() > 1 ? 1 : 0;
        }
        assertTrue(rerunSteps > 0 && rerunSteps <= 50, rerunSteps + " steps logged twice");

        // replay: b starts at 0; step s routes with b and then moves it by the sign rule on its global loads (every
        // one of the 200 records of a step goes to K experts of every layer), arithmetic in double stored as float
        float[] replay = new float[MOE_LAYERS * MOE_EXPERTS];
        for (List<JsonNode> records : cleanSteps.values()) {
            float[] step = loadsAndBiases(records.get(0));
            assertArrayEquals(replay, java.util.Arrays.copyOfRange(step, MOE_LAYERS * MOE_EXPERTS, step.length), 0f,
                    "bias step " + records.get(0).get("step"));
            for (int l = 0; l < MOE_LAYERS; l++) {
                double total = 0;
                for (int i = 0; i < MOE_EXPERTS; i++) {
                    total += step[l * MOE_EXPERTS + i];
                }
                assertEquals(200.0 * MOE_TOP_K, total, 0.0, "tokens of layer " + l + ", " + records.get(0));
                for (int i = 0; i < MOE_EXPERTS; i++) {
                    int k = l * MOE_EXPERTS + i;
                    replay[k] = (float) (replay[k] + 1e-3 * Math.signum(total / MOE_EXPERTS - step[k]));
                }
            }
        }
        assertArrayEquals(replay, bias, 0f, "biases replayed from the recorded global loads");
        boolean moved = false;
        for (float b : bias) {
            moved |= b != 0;
        }
        assertTrue(moved, "the biases moved");
        System.out.printf("MoE worker kill: %d steps logged twice, parameters and biases equal to the fault-free run; "
                + "biases %s%n", rerunSteps, java.util.Arrays.toString(bias));
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

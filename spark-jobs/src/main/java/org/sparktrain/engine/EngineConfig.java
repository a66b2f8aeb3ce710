package org.sparktrain.engine;

import org.sparktrain.config.Check;

import java.util.List;

/**
 * Settings of the distributed training engine (defaults in this constructor, nowhere else).
 *
 * @param workers                   data-parallel workers = Spark tasks = shards of the dataset; default 2
 * @param sync                      {@code allreduce} (gradients summed every step; equals big-batch training) or
 *                                  {@code local-sgd} (each worker takes {@code localSteps} steps, then parameters
 *                                  and updater state are averaged); default {@code allreduce}
 * @param localSteps                H for local-sgd; default 1 (ignored by allreduce)
 * @param batchSize                 global batch size (split evenly over workers; must be divisible); default 64
 * @param epochs                    passes over the training data; default 2
 * @param seed                      seed of every random choice (initialisation, shuffling); default 42
 * @param checkpointEvery           checkpoint every N global steps (0 = only at epoch ends); default 500
 * @param keepCheckpoints           how many newest checkpoints to keep; default 2
 * @param logEvery                  driver progress line and metrics.jsonl record every N steps; default 50
 * @param threadsPerWorker          native (OpenMP/BLAS) threads each worker uses; 0 = cores of a task
 *                                  ({@code spark.task.cpus}); default 0
 * @param collectiveTimeoutSeconds  a worker waiting longer than this for the others fails the round; default 600
 * @param executorWaitSeconds       how long to wait for enough executor slots before failing; default 120
 * @param roundRetries              how often a failed round (a lost executor, a failed task) is rerun from the
 *                                  last committed state before the job fails; default 3
 */
public record EngineConfig(Integer workers, String sync, Integer localSteps, Integer batchSize, Integer epochs,
                           Long seed, Integer checkpointEvery, Integer keepCheckpoints, Integer logEvery,
                           Integer threadsPerWorker, Integer collectiveTimeoutSeconds, Integer executorWaitSeconds,
                           Integer roundRetries)
        implements java.io.Serializable {
    public static final String ALLREDUCE = "allreduce";
    public static final String LOCAL_SGD = "local-sgd";

    public EngineConfig {
        workers = Check.atLeast("workers", workers, 2, 1);
        sync = Check.oneOf("sync", sync, ALLREDUCE, List.of(ALLREDUCE, LOCAL_SGD));
        localSteps = Check.atLeast("localSteps", localSteps, 1, 1);
        batchSize = Check.atLeast("batchSize", batchSize, 64, 1);
        if (batchSize % workers != 0) {
            throw new IllegalArgumentException("batchSize: the global batch size " + batchSize
                    + " must be divisible by workers = " + workers);
        }
        epochs = Check.atLeast("epochs", epochs, 2, 1);
        seed = seed == null ? 42L : seed;
        checkpointEvery = Check.atLeast("checkpointEvery", checkpointEvery, 500, 0);
        keepCheckpoints = Check.atLeast("keepCheckpoints", keepCheckpoints, 2, 1);
        logEvery = Check.atLeast("logEvery", logEvery, 50, 1);
        threadsPerWorker = Check.atLeast("threadsPerWorker", threadsPerWorker, 0, 0);
        collectiveTimeoutSeconds = Check.atLeast("collectiveTimeoutSeconds", collectiveTimeoutSeconds, 600, 1);
        executorWaitSeconds = Check.atLeast("executorWaitSeconds", executorWaitSeconds, 120, 1);
        roundRetries = Check.atLeast("roundRetries", roundRetries, 3, 0);
    }

    public static EngineConfig defaults() {
        return new EngineConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Per-worker batch size. */
    public int localBatchSize() {
        return batchSize / workers;
    }

    public boolean usesLocalSgd() {
        return LOCAL_SGD.equals(sync);
    }

    /** Steps between synchronisations: 1 for allreduce, H for local-sgd. */
    public int syncInterval() {
        return usesLocalSgd() ? localSteps : 1;
    }

    public EngineConfig withWorkers(int w) {
        return new EngineConfig(w, sync, localSteps, batchSize, epochs, seed, checkpointEvery, keepCheckpoints,
                logEvery, threadsPerWorker, collectiveTimeoutSeconds, executorWaitSeconds, roundRetries);
    }

    public EngineConfig withEpochs(int e) {
        return new EngineConfig(workers, sync, localSteps, batchSize, e, seed, checkpointEvery, keepCheckpoints,
                logEvery, threadsPerWorker, collectiveTimeoutSeconds, executorWaitSeconds, roundRetries);
    }

    public EngineConfig withCheckpointEvery(int n) {
        return new EngineConfig(workers, sync, localSteps, batchSize, epochs, seed, n, keepCheckpoints,
                logEvery, threadsPerWorker, collectiveTimeoutSeconds, executorWaitSeconds, roundRetries);
    }
}

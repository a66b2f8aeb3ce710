package org.sparktrain.engine;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one distributed training engine every sparktrain method uses (see docs/architecture.md).
 *
 * <p>The training data is split into {@code engine.workers} persisted shards ({@link ShardBuilder}). Training runs
 * in rounds: a round is one Spark barrier stage whose tasks (one per worker) each hold a model replica
 * ({@link Trainable}) and run a stretch of steps within one epoch, synchronising every step ({@code allreduce}) or
 * every H steps ({@code local-sgd}) through the driver's {@link CollectiveServer}. A round starts from the driver's
 * committed {@link EngineState} (broadcast) and ends by returning the replicas' state, so a failed and retried
 * round recomputes from the same start and never applies an update twice. Rounds end at epoch ends and checkpoint
 * steps, where the driver writes an atomic checkpoint ({@link Checkpoints}).
 *
 * <p>The update rule is the config's {@link org.sparktrain.engine.optim.FlatOptimizer}; its whole state travels in
 * {@link EngineState#updaterState()} and every checkpoint. Every committed state carries the optimizer's evaluation
 * point ({@link EngineState#evalParams()}: Schedule-Free's x, DoG's x̄, else the parameters), which listeners
 * evaluate and jobs export ({@link DriverOptimizer}).
 */
public final class TrainingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingEngine.class);
    private static final AtomicLong ROUNDS = new AtomicLong(System.nanoTime() & 0xffffffffL);

    private final SparkSession spark;
    private final EngineConfig engine;
    private final OptimizerConfig optimizer;

    public TrainingEngine(SparkSession spark, EngineConfig engine, OptimizerConfig optimizer) {
        this.spark = spark;
        this.engine = engine;
        this.optimizer = optimizer;
    }

    public TrainingResult train(TrainingSpec spec) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SlotCheck.awaitSlots(spark.sparkContext(), engine.workers(), engine.executorWaitSeconds());
        String runKey = spec.runId() + "-" + UUID.randomUUID().toString().substring(0, 8);
        String group = "sparktrain-" + runKey;

        jsc.setJobGroup(group, "sparktrain " + spec.runId() + ": shard " + spec.dataName(), false);
        JavaRDD<Shard> shards = ShardBuilder.build(spec.data(), spec.columns(), engine.workers(), spec.dataName());
        int[] sizes = shards.map(Shard::size).collect().stream().mapToInt(Integer::intValue).toArray();
        long records = java.util.Arrays.stream(sizes).asLongStream().sum();
        if (records == 0) {
            throw new org.sparktrain.data.BadInputException(spec.dataName() + ": no training records");
        }
        int stepsPerEpoch = EpochSampler.stepsPerEpoch(sizes, engine.localBatchSize());
        LOG.info("{} records in {} shards {}; {} steps per epoch of global batch {}", records, sizes.length,
                java.util.Arrays.toString(sizes), stepsPerEpoch, engine.batchSize());

        Trainable driverModel = spec.factory().create();
        long numParams = driverModel.numParams();
        // fail fast, naming the setting to raise, before any data is loaded on executors
        OffHeapMemory.requireFitsOnExecutors(spark.sparkContext().getConf(), numParams,
                "a model with " + numParams + " parameters");
        float[] initialParams = spec.initial() != null ? spec.initial() : driverModel.params().toFloatVector();
        DriverOptimizer driverOptimizer = new DriverOptimizer(optimizer, numParams, driverModel.layout(),
                (long) stepsPerEpoch * engine.epochs());
        if ("ldog".equals(optimizer.type()) && driverModel.layout().numTensors() == 1) {
            LOG.warn("optimizer.type ldog: this model does not list its parameter tensors, so L-DoG takes its norms "
                    + "over all {} parameters as one tensor and steps exactly like dog", numParams);
        }
        driverModel.close();
        AlgorithmState algorithm = spec.algorithm();
        int width = algorithm.recordStateWidth();
        Checkpoints checkpoints = new Checkpoints(spec.runDir(), spark.sparkContext().hadoopConfiguration());
        Checkpoints.Layout layout = new Checkpoints.Layout(engine.workers(), engine.batchSize(), engine.seed(), numParams);

        EngineState state;
        JavaRDD<float[]> recordStates = null;
        long resumedFrom = -1;
        Optional<Path> latest = spec.resume() ? checkpoints.latest() : Optional.empty();
        if (latest.isPresent()) {
            state = driverOptimizer.resumed(checkpoints.read(latest.get(), layout), latest.get(),
                    spark.sparkContext().hadoopConfiguration());
            resumedFrom = state.globalStep();
            if (width > 0) {
                recordStates = RecordStates.load(spark, shards, width, new Path(latest.get(), "record-state"));
            }
            LOG.info("resuming from {} (epoch {}, step {} of the epoch)", latest.get(), state.epoch() + 1,
                    state.stepInEpoch());
        } else {
            if (!spec.resume()) {
                checkpoints.clear();
            }
            state = new EngineState(0, 0, 0, initialParams, driverOptimizer.initialState(),
                    algorithm.initialGlobalState());
            if (width > 0) {
                recordStates = RecordStates.initial(shards, algorithm);
            }
        }
        if (recordStates != null) {
            recordStates = recordStates.persist(StorageLevel.MEMORY_AND_DISK());
        }

        TrainingListener listener = spec.listener();
        listener.onStart(stepsPerEpoch, engine.epochs(), state);
        String host = spark.sparkContext().getConf().get("spark.driver.host", "localhost");
        int port = spark.sparkContext().getConf().getInt("spark.sparktrain.collective.port", 0);
        double trainSeconds = 0;
        long samples = 0;
        JavaRDD<RoundOutput> previousOutputs = null;
        // broadcasts still referenced by the lineage of the per-record state (destroyed once the lineage is cut)
        List<Broadcast<byte[]>> liveBroadcasts = new java.util.ArrayList<>();
        try (CollectiveServer server = new CollectiveServer(null, port, engine.collectiveTimeoutSeconds() + 60)) {
            AtomicLong roundSamples = new AtomicLong();
            server.setListener((round, tag, sums) -> {
                roundSamples.addAndGet((long) sums[1]);
                // local-sgd appends the optimizer's scalars to the reduction: the statistics are the next statsSize
                listener.onStep(tag, sums[0], sums[1], java.util.Arrays.copyOfRange(sums, 2,
                        Math.min(sums.length, 2 + algorithm.statsSize())));
            });
            int stopEpoch = spec.stopEpoch() > 0 ? Math.min(spec.stopEpoch(), engine.epochs()) : engine.epochs();
            while (state.epoch() < stopEpoch) {
                int steps = roundLength(state, stepsPerEpoch);
                JavaRDD<Tuple2<Shard, float[]>> input = recordStates == null
                        ? shards.map(s -> new Tuple2<Shard, float[]>(s, null))
                        : shards.zip(recordStates).map(t -> t);
                long t0 = System.nanoTime();
                List<RoundOutput> summaries = null;
                JavaRDD<RoundOutput> outputs = null;
                Broadcast<byte[]> broadcast = null;
                for (int attempt = 0; summaries == null; attempt++) {
                    long round = ROUNDS.incrementAndGet();
                    RoundSpec roundSpec = new RoundSpec(runKey, round, host, server.port(), engine, optimizer,
                            spec.factory(), algorithm, sizes, stepsPerEpoch, state, steps);
                    broadcast = jsc.broadcast(serialize(roundSpec));
                    jsc.setJobGroup(group, String.format("sparktrain %s: epoch %d/%d, steps %d-%d of %d%s",
                            spec.runId(), state.epoch() + 1, engine.epochs(), state.stepInEpoch() + 1,
                            state.stepInEpoch() + steps, stepsPerEpoch, attempt > 0 ? " (retry " + attempt + ")" : ""),
                            false);
                    outputs = BarrierRound.run(input, broadcast);
                    if (width > 0) {
                        outputs = outputs.persist(StorageLevel.MEMORY_AND_DISK());
                    }
                    roundSamples.set(0);
                    try {
                        summaries = outputs.map(RoundOutput::summary).collect();
                    } catch (Exception e) { // SparkException is checked but thrown undeclared by collect()
                        outputs.unpersist(false);
                        broadcast.destroy(false);
                        if (attempt >= engine.roundRetries() || isBadInput(e)) {
                            throw e;
                        }
                        // Spark does not retry a failed barrier result stage: the engine reruns the round from the
                        // same committed state, so no update is ever applied twice
                        LOG.warn("round at step {} failed ({}); retrying it from the last committed state ({} of {})",
                                state.globalStep(), e.getMessage() == null ? e : e.getMessage().lines().findFirst().orElse(""),
                                attempt + 1, engine.roundRetries());
                    } finally {
                        server.closeRound(round, "round ended");
                    }
                }
                trainSeconds += (System.nanoTime() - t0) / 1e9;
                samples += roundSamples.get();
                if (width > 0) {
                    liveBroadcasts.add(broadcast);
                } else {
                    broadcast.destroy(false);
                }
                state = driverOptimizer.withEvalParams(commit(state, summaries, steps, stepsPerEpoch));
                if (width > 0) {
                    recordStates = outputs.map(o -> o.recordState);
                    if (previousOutputs != null) {
                        previousOutputs.unpersist(false);
                    }
                    previousOutputs = outputs;
                }
                listener.onRoundEnd(state);
                boolean epochEnded = state.stepInEpoch() == 0;
                boolean checkpointDue = epochEnded || (engine.checkpointEvery() > 0
                        && state.globalStep() % engine.checkpointEvery() == 0);
                if (checkpointDue) {
                    EngineState s = state;
                    JavaRDD<float[]> rs = recordStates;
                    Path written = checkpoints.write(state, layout, tmp -> {
                        driverOptimizer.writeCheckpointFiles(fileSystem(tmp), tmp, s);
                        if (width > 0) {
                            RecordStates.save(spark, shards, rs, width, new Path(tmp, "record-state"));
                        }
                    });
                    checkpoints.prune(engine.keepCheckpoints());
                    if (width > 0) {
                        // cut the lineage: continue from the state just saved
                        JavaRDD<float[]> reloaded = RecordStates.load(spark, shards, width, new Path(written, "record-state"))
                                .persist(StorageLevel.MEMORY_AND_DISK());
                        reloaded.count();
                        recordStates = reloaded;
                        if (previousOutputs != null) {
                            previousOutputs.unpersist(false);
                            previousOutputs = null;
                        }
                        liveBroadcasts.forEach(b -> b.destroy(false));
                        liveBroadcasts.clear();
                    }
                    listener.onCheckpoint(s, written.toString());
                }
                if (epochEnded) {
                    logOptimizerScalars(driverOptimizer, state);
                    listener.onEpochEnd(state.epoch() - 1, state);
                }
            }
        } finally {
            jsc.clearJobGroup();
            shards.unpersist(false);
            if (previousOutputs != null) {
                previousOutputs.unpersist(false);
            }
            liveBroadcasts.forEach(b -> b.destroy(false));
            releaseReplicas(jsc, runKey);
        }
        return new TrainingResult(state, stepsPerEpoch, trainSeconds, samples, resumedFrom);
    }

    /** Steps until the epoch ends or the next checkpoint is due, whichever comes first (a multiple of H for local-sgd). */
    private int roundLength(EngineState state, int stepsPerEpoch) {
        int toEpochEnd = stepsPerEpoch - state.stepInEpoch();
        int steps = toEpochEnd;
        if (engine.checkpointEvery() > 0) {
            long toCheckpoint = engine.checkpointEvery() - state.globalStep() % engine.checkpointEvery();
            steps = (int) Math.min(steps, toCheckpoint);
        }
        return Math.max(1, steps);
    }

    private EngineState commit(EngineState start, List<RoundOutput> outputs, int steps, int stepsPerEpoch) {
        RoundOutput lead = outputs.stream().filter(o -> o.worker == 0).findFirst()
                .orElseThrow(() -> new IllegalStateException("round returned no output from worker 0"));
        for (RoundOutput o : outputs) {
            if (o.paramsChecksum != lead.paramsChecksum) {
                throw new IllegalStateException("replica of worker " + o.worker + " diverged from worker 0 at step "
                        + (start.globalStep() + steps) + " (parameter checksums differ)");
            }
        }
        int stepInEpoch = start.stepInEpoch() + steps;
        int epoch = start.epoch();
        if (stepInEpoch >= stepsPerEpoch) {
            stepInEpoch = 0;
            epoch++;
        }
        return new EngineState(start.globalStep() + steps, epoch, stepInEpoch, lead.params, lead.updaterState,
                lead.globalState);
    }

    private void releaseReplicas(JavaSparkContext jsc, String runKey) {
        try {
            jsc.setJobDescription("sparktrain: release model replicas");
            jsc.parallelize(java.util.stream.IntStream.range(0, engine.workers()).boxed().toList(), engine.workers())
                    .foreach(i -> TrainableCache.release(runKey));
        } catch (RuntimeException e) {
            LOG.debug("could not release replicas of {}", runKey, e);
        }
    }

    private FileSystem fileSystem(Path path) {
        try {
            return path.getFileSystem(spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open the file system of " + path, e);
        }
    }

    private static boolean isBadInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.sparktrain.data.BadInputException
                    || (t.getMessage() != null && t.getMessage().contains(org.sparktrain.data.BadInputException.class.getName()))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] serialize(RoundSpec spec) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(spec);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the round specification (is the model factory Serializable?)", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Logs the optimizer's global scalars at an epoch end (Prodigy's and D-Adaptation's step-size estimate d, DoG's
     * r̄ and G per group, ...): the one place a user sees what step size a learning-rate-free optimizer chose.
     */
    private static void logOptimizerScalars(DriverOptimizer optimizer, EngineState state) {
        Map<String, Double> scalars = optimizer.scalars(state);
        if (!scalars.isEmpty()) {
            StringBuilder s = new StringBuilder();
            scalars.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append('=')
                    .append(String.format(Locale.ROOT, "%.4g", v)));
            LOG.info("epoch {} ended at step {}: optimizer scalars {}", state.epoch(), state.globalStep(), s);
        }
    }
}

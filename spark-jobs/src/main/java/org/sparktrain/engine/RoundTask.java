package org.sparktrain.engine;

import org.apache.spark.TaskContext;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.engine.optim.FlatOptimizer;

import java.util.Arrays;

/**
 * The loop one worker runs inside a round's barrier task: draw its batches, compute gradients, synchronise through
 * the {@link Collective}, apply the identical update on every replica, and return its {@link RoundOutput}.
 *
 * <p>{@code allreduce}: every step, summed gradients (and loss, weight, algorithm statistics) of all workers are
 * divided by the summed weight and applied with the shared update rule ({@link FlatOptimizer}); every global scalar
 * of the rule is computed from that one mean gradient, so the replicas stay bit-identical. {@code local-sgd}: each
 * worker applies its own mean gradient for H steps; then parameters are averaged over workers (equal weights), the
 * optimizer state is combined by its own rule ({@link FlatOptimizer#syncContribution}: averaged, or worker 0's for
 * anchors and counters) and the algorithm statistics of those H steps are summed for the global-state update.
 */
final class RoundTask {
    private static final Logger LOG = LoggerFactory.getLogger(RoundTask.class);

    private RoundTask() {
    }

    static RoundOutput run(RoundSpec spec, Shard shard, float[] recordState) {
        TaskContext task = TaskContext.get();
        int worker = task == null ? shard.worker() : task.partitionId();
        int attempt = task == null ? 0 : task.stageAttemptNumber();
        EngineConfig cfg = spec.engine();
        NativeThreads.configure(cfg.threadsPerWorker());
        GpuBinding.bindCurrentTask(); // the GPU Spark assigned to this task, when the CUDA backend is in use

        Trainable trainable = TrainableCache.get(spec.runKey(), worker, spec.factory());
        INDArray params = trainable.params();
        params.assign(Nd4j.createFromArray(spec.start().params()).reshape(params.shape()));
        FlatOptimizer updater = spec.optimizer().create(trainable.numParams(), trainable.layout(),
                (long) spec.stepsPerEpoch() * cfg.epochs());
        updater.setState(spec.start().updaterState());
        float[] global = spec.start().globalState().clone();
        AlgorithmState algorithm = spec.algorithm();
        int width = algorithm.recordStateWidth();

        Collective collective = new RemoteCollective(spec.collectiveHost(), spec.collectivePort(), spec.round(),
                attempt, worker, cfg.workers(), cfg.collectiveTimeoutSeconds());
        int epoch = spec.start().epoch();
        int[] permutation = EpochSampler.permutation(cfg.seed(), epoch, worker, shard.size());
        long step = spec.start().globalStep();
        int stepInEpoch = spec.start().stepInEpoch();
        int numParams = (int) trainable.numParams();

        double syncLoss = 0;
        double syncWeight = 0;
        double[] syncStats = new double[algorithm.statsSize()];
        for (int i = 0; i < spec.steps(); i++, step++, stepInEpoch++) {
            Batch batch = new Batch(shard, EpochSampler.slice(permutation, stepInEpoch, cfg.localBatchSize()));
            double[] stats = new double[algorithm.statsSize()];
            StepContext context = new StepContext(step, epoch, worker, cfg.workers(), global, stats, recordState,
                    width, collective, batch.positions());
            Trainable.StepResult result = batch.isEmpty() ? Trainable.StepResult.EMPTY
                    : trainable.computeGradient(batch, context);
            if (!cfg.usesLocalSgd()) {
                float[] gradient = batch.isEmpty() ? new float[numParams] : trainable.gradient().toFloatVector();
                double[] doubles = concat(result.lossSum(), result.weight(), stats);
                Collective.Reduced sum = collective.allReduceSum(step, gradient, doubles);
                double weight = sum.doubles()[1];
                if (weight > 0) {
                    INDArray mean = Nd4j.createFromArray(sum.floats()).reshape(params.shape());
                    mean.divi(weight);
                    updater.step(params, mean, step, epoch);
                }
                algorithm.onSync(global, Arrays.copyOfRange(sum.doubles(), 2, sum.doubles().length), step);
            } else {
                if (result.weight() > 0) {
                    INDArray mean = trainable.gradient().dup().divi(result.weight());
                    updater.step(params, mean, step, epoch);
                }
                syncLoss += result.lossSum();
                syncWeight += result.weight();
                for (int s = 0; s < stats.length; s++) {
                    syncStats[s] += stats[s];
                }
                boolean last = i == spec.steps() - 1;
                if ((i + 1) % cfg.localSteps() == 0 || last) {
                    averageReplicas(collective, worker == 0, step, params, updater,
                            concat(syncLoss, syncWeight, syncStats));
                    algorithm.onSync(global, syncStats.clone(), step);
                    syncLoss = 0;
                    syncWeight = 0;
                    Arrays.fill(syncStats, 0);
                }
            }
        }
        float[] finalParams = params.toFloatVector();
        long checksum = RoundOutput.checksum(finalParams);
        LOG.debug("worker {} finished round {} at step {}", worker, spec.round(), step);
        return worker == 0
                ? new RoundOutput(worker, recordState, finalParams, updater.state(), global, checksum)
                : new RoundOutput(worker, recordState, null, null, null, checksum);
    }

    /**
     * local-sgd synchronisation: parameters averaged over workers (equal weights), optimizer state combined by the
     * optimizer's rule; the optimizer's scalars travel after loss, weight and statistics in the doubles (the
     * driver's progress listener reads only the first 2 + statsSize of them).
     */
    private static void averageReplicas(Collective collective, boolean leader, long step, INDArray params,
                                        FlatOptimizer updater, double[] doubles) {
        float[] p = params.toFloatVector();
        FlatOptimizer.SyncPart own = updater.syncContribution(leader);
        float[] payload = new float[p.length + own.floats().length];
        System.arraycopy(p, 0, payload, 0, p.length);
        System.arraycopy(own.floats(), 0, payload, p.length, own.floats().length);
        double[] scalars = new double[doubles.length + own.doubles().length];
        System.arraycopy(doubles, 0, scalars, 0, doubles.length);
        System.arraycopy(own.doubles(), 0, scalars, doubles.length, own.doubles().length);
        Collective.Reduced sum = collective.allReduceSum(step, payload, scalars);
        int w = collective.workers();
        float[] avg = Arrays.copyOfRange(sum.floats(), 0, p.length);
        for (int i = 0; i < avg.length; i++) {
            avg[i] /= w;
        }
        params.assign(Nd4j.createFromArray(avg).reshape(params.shape()));
        updater.applySyncSums(new FlatOptimizer.SyncPart(Arrays.copyOfRange(sum.floats(), p.length, payload.length),
                Arrays.copyOfRange(sum.doubles(), doubles.length, scalars.length)), w);
    }

    private static double[] concat(double loss, double weight, double[] stats) {
        double[] out = new double[2 + stats.length];
        out[0] = loss;
        out[1] = weight;
        System.arraycopy(stats, 0, out, 2, stats.length);
        return out;
    }

}

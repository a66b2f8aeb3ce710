package org.sparktrain.zoo;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * LeNet-5 with a hand-written forward and backward pass on libnd4j ops: the same function and the same flat
 * parameter layout as the DL4J network of {@link LeNet5Model}, trained ~8x faster on CPU.
 *
 * <p>Architecture (see {@link LeNet5Geometry} for sizes and the parameter layout): conv 5x5 same, 6 maps, ReLU
 * -&gt; max-pool 2x2/2 -&gt; conv 5x5 valid, 16 maps, ReLU -&gt; max-pool 2x2/2 -&gt; dense 120 ReLU -&gt; dense 84
 * ReLU -&gt; dense K -&gt; softmax. Features (B, C*H*W) row-major in channel-major (C, H, W) order, one-hot labels
 * (B, K). On 1x28x28 with K = 10 there are 61,706 parameters.
 *
 * <p>Loss (sign: minimised): L = sum_b l_b with l_b = -sum_k y_bk log p_bk, p_b = softmax(z_b) computed as
 * z_bk - (m_b + log sum_j exp(z_bj - m_b)), m_b = max_j z_bj, in double precision. dL/dz_b = p_b sum_k y_bk - y_b
 * (= p_b - y_b for one-hot rows). {@link #computeGradient} returns L (the SUM over the batch, not the mean) and
 * writes dL/dtheta, matching sparktrain's {@code Trainable} contract and DL4J's {@code computeGradientAndScore}
 * gradient (DL4J's score is L / B; DL4J clips p at 1e-10 inside the log, this class does not).
 *
 * <p>Parameters: {@link #params()} is the live (1, P) vector, read by every pass and written in place by the
 * caller (an updater); its layout is exactly DL4J's, so {@code model.params().assign(dl4jNet.params())} copies a
 * DL4J LeNet-5 into this model and back. Initialisation: biases 0, hidden weights He normal N(0, 2/fan_in), output
 * weights Xavier normal N(0, 2/(fan_in + fan_out)) from a seeded generator (the same distributions as
 * {@link LeNet5Model}, not the same values).
 *
 * <p>Speed (details in docs/benchmarks.md): all buffers of a batch size are allocated once and every op is bound once
 * ({@link LeNet5Pass}). With nd4j-native's {@code linux-x86_64-onednn} build, convolutions and pooling run on
 * oneDNN; with the default build the same code runs on libnd4j's generic kernels, correct but several times
 * slower. With {@code threads > 1} a batch is split into that many row blocks, each run by its own worker thread
 * with one native thread, and the gradients are summed: small convolutions parallelise poorly inside an op.
 * The constructor applies {@link NativeAllocatorTuning}. Not thread-safe: one call at a time.
 *
 * <p>Reference: Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to document
 * recognition", Proceedings of the IEEE 86(11):2278-2324, 1998.
 */
public final class FastLeNet5Model implements AutoCloseable {
    public static final String CITATION = LeNet5Model.CITATION;
    private static final int CACHED_BATCH_SIZES = 3;

    private final LeNet5Geometry geo;
    private final DataType dataType;
    private final INDArray params;
    private final LeNet5Geometry.Blocks paramBlocks;
    private final Worker[] workers;
    private final ExecutorService pool;

    /** A float model with one thread, initialised from {@code seed}. */
    public FastLeNet5Model(ImageShape shape, int numClasses, long seed) {
        this(shape, numClasses, seed, DataType.FLOAT, 1);
    }

    /**
     * @param dataType FLOAT for training; DOUBLE for gradient checks (generic kernels, slow)
     * @param threads  worker threads a batch is split over; 1 runs on the calling thread with ND4J's own threads
     */
    public FastLeNet5Model(ImageShape shape, int numClasses, long seed, DataType dataType, int threads) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        NativeAllocatorTuning.apply();
        this.geo = LeNet5Geometry.of(shape, numClasses);
        this.dataType = dataType;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            this.params = Nd4j.zeros(dataType, 1, geo.numParams());
            this.paramBlocks = geo.blocks(params);
            this.workers = new Worker[threads];
            for (int i = 0; i < threads; i++) {
                workers[i] = new Worker();
            }
        }
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(() -> {
                NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
                r.run();
            }, "fast-lenet5-worker");
            t.setDaemon(true);
            return t;
        });
        initialize(seed);
    }

    /** P, the number of parameters of LeNet-5 for this input shape and class count. */
    public static long numParams(ImageShape shape, int numClasses) {
        return LeNet5Geometry.of(shape, numClasses).numParams();
    }

    public long numParams() {
        return geo.numParams();
    }

    public int numClasses() {
        return geo.numClasses();
    }

    public DataType dataType() {
        return dataType;
    }

    /** The live flat parameter vector (1, P); read by every pass, written in place by the caller. */
    public INDArray params() {
        return params;
    }

    /** Re-initialises the parameters from {@code seed} (see the class comment). */
    public void initialize(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[(int) geo.numParams()];
        INDArray index = Nd4j.createFromArray(v);
        LeNet5Geometry.Blocks b = geo.blocks(index.reshape(1, v.length));
        int c = geo.channels(), k = LeNet5Geometry.KERNEL * LeNet5Geometry.KERNEL;
        fillNormal(b.w1(), Math.sqrt(2.0 / (c * k)), rnd);
        fillNormal(b.w2(), Math.sqrt(2.0 / (LeNet5Geometry.MAPS1 * k)), rnd);
        fillNormal(b.w3(), Math.sqrt(2.0 / geo.flatSize()), rnd);
        fillNormal(b.w4(), Math.sqrt(2.0 / LeNet5Geometry.HIDDEN1), rnd);
        fillNormal(b.w5(), Math.sqrt(2.0 / (LeNet5Geometry.HIDDEN2 + geo.numClasses())), rnd);
        params.assign(index.reshape(1, v.length));
    }

    private static void fillNormal(INDArray block, double std, SplittableRandom rnd) {
        double[] values = new double[(int) block.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = std * rnd.nextGaussian();
        }
        block.assign(Nd4j.createFromArray(values).reshape(block.ordering(), block.shape()));
    }

    /**
     * Computes the summed cross-entropy of a batch and its gradient.
     *
     * @param features     (B, C*H*W)
     * @param oneHotLabels (B, K); soft labels are allowed
     * @param gradientOut  (1, P) or (P): receives dL/dtheta of the summed loss (overwritten)
     * @return L, the sum over the batch of the per-example cross-entropy
     */
    public double computeGradient(INDArray features, INDArray oneHotLabels, INDArray gradientOut) {
        int rows = checkFeatures(features);
        checkLabels(oneHotLabels, rows);
        if (gradientOut.length() != geo.numParams()) {
            throw new IllegalArgumentException("gradientOut: expected " + geo.numParams() + " values, got shape "
                    + Arrays.toString(gradientOut.shape()));
        }
        if (rows == 0) {
            gradientOut.assign(0);
            return 0;
        }
        double[] labels = oneHotLabels.dup('c').data().asDouble();
        int parts = Math.min(workers.length, rows);
        if (parts == 1) {
            alignOpenMpThreads();
            double loss = workers[0].gradient(features, labels, 0, rows);
            gradientOut.assign(workers[0].grad.reshape(gradientOut.shape()));
            return loss;
        }
        List<Future<Double>> results = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            int from = (int) ((long) rows * i / parts), to = (int) ((long) rows * (i + 1) / parts);
            Worker worker = workers[i];
            INDArray slice = features.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            results.add(pool.submit(() -> worker.gradient(slice, labels, from, to)));
        }
        double loss = 0;
        for (Future<Double> r : results) {
            loss += await(r);
        }
        gradientOut.assign(workers[0].grad.reshape(gradientOut.shape()));
        for (int i = 1; i < parts; i++) {
            gradientOut.addi(workers[i].grad.reshape(gradientOut.shape()));
        }
        return loss;
    }

    /** L, the summed cross-entropy of a batch (see the class comment), without computing a gradient. */
    public double loss(INDArray features, INDArray oneHotLabels) {
        int rows = checkFeatures(features);
        checkLabels(oneHotLabels, rows);
        if (rows == 0) {
            return 0;
        }
        alignOpenMpThreads();
        LeNet5Pass pass = workers[0].pass(rows);
        pass.forward(features);
        return crossEntropy(pass.logits(), oneHotLabels.dup('c').data().asDouble(), 0, rows, null);
    }

    /** Class probabilities softmax(z) for features (B, C*H*W): a new (B, K) array of the model's data type. */
    public INDArray output(INDArray features) {
        int rows = checkFeatures(features);
        int k = geo.numClasses();
        double[] probabilities = new double[rows * k];
        if (rows > 0) {
            alignOpenMpThreads();
            LeNet5Pass pass = workers[0].pass(rows);
            pass.forward(features);
            double[] z = pass.logits();
            for (int r = 0; r < rows; r++) {
                double lse = logSumExp(z, r * k, k);
                for (int j = 0; j < k; j++) {
                    probabilities[r * k + j] = Math.exp(z[r * k + j] - lse);
                }
            }
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.createFromArray(probabilities).reshape(rows, k).castTo(dataType);
        }
    }

    /**
     * oneDNN runs on OpenMP, whose thread count is per calling thread and is not changed by ND4J's
     * {@code Environment.setMaxThreads} (the knob sparktrain's engine sets to the task's CPUs). Align the calling
     * thread's OpenMP count with ND4J's so a 1-CPU task does not run 2-thread oneDNN kernels.
     */
    private static void alignOpenMpThreads() {
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int nd4jThreads = Math.max(1, Nd4j.getEnvironment().maxThreads());
        if (ops.ompGetMaxThreads() != nd4jThreads) {
            ops.setOmpNumThreads(nd4jThreads);
        }
    }

    private int checkFeatures(INDArray features) {
        if (features.rank() != 2 || features.size(1) != geo.inputSize()) {
            throw new IllegalArgumentException("features: expected shape [B, " + geo.inputSize() + "] ("
                    + geo.channels() + "x" + geo.height() + "x" + geo.width() + " images), got "
                    + Arrays.toString(features.shape()));
        }
        return (int) features.size(0);
    }

    private void checkLabels(INDArray oneHotLabels, int rows) {
        if (oneHotLabels.rank() != 2 || oneHotLabels.size(0) != rows || oneHotLabels.size(1) != geo.numClasses()) {
            throw new IllegalArgumentException("labels: expected shape [" + rows + ", " + geo.numClasses() + "], got "
                    + Arrays.toString(oneHotLabels.shape()));
        }
    }

    /**
     * Summed cross-entropy of logits z (rows * K, row-major) against rows [from, from + rows) of the labels; when
     * {@code gradient} is given it receives dL/dz = p * sum_k y_k - y.
     */
    private double crossEntropy(double[] z, double[] labels, int from, int rows, double[] gradient) {
        int k = geo.numClasses();
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            double lse = logSumExp(z, r * k, k);
            double ySum = 0;
            for (int j = 0; j < k; j++) {
                double y = labels[(from + r) * k + j];
                ySum += y;
                loss -= y * (z[r * k + j] - lse);
            }
            if (gradient != null) {
                for (int j = 0; j < k; j++) {
                    gradient[r * k + j] = Math.exp(z[r * k + j] - lse) * ySum - labels[(from + r) * k + j];
                }
            }
        }
        return loss;
    }

    private static double logSumExp(double[] z, int from, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            m = Math.max(m, z[from + j]);
        }
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += Math.exp(z[from + j] - m);
        }
        return m + Math.log(s);
    }

    private static double await(Future<Double> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing a gradient", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        for (Worker w : workers) {
            w.passes.values().forEach(LeNet5Pass::close);
            w.passes.clear();
        }
    }

    /** One gradient buffer and the passes (one per recent batch size) that write into it. */
    private final class Worker {
        final INDArray grad = Nd4j.zeros(dataType, 1, geo.numParams());
        final LeNet5Geometry.Blocks gradBlocks = geo.blocks(grad);
        final Map<Integer, LeNet5Pass> passes = new LinkedHashMap<>(4, 0.75f, true);

        LeNet5Pass pass(int rows) {
            LeNet5Pass pass = passes.get(rows);
            if (pass == null) {
                if (passes.size() >= CACHED_BATCH_SIZES) {
                    Integer eldest = passes.keySet().iterator().next();
                    passes.remove(eldest).close();
                }
                try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    pass = new LeNet5Pass(geo, dataType, rows, paramBlocks, gradBlocks);
                }
                passes.put(rows, pass);
            }
            return pass;
        }

        /** Loss sum of rows [from, to) of the batch; the gradient lands in {@link #grad}. */
        double gradient(INDArray features, double[] labels, int from, int to) {
            int rows = to - from;
            LeNet5Pass pass = pass(rows);
            pass.forward(features);
            double[] g = new double[rows * geo.numClasses()];
            double loss = crossEntropy(pass.logits(), labels, from, rows, g);
            pass.backward(g);
            return loss;
        }
    }
}

package org.sparktrain.zoo;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training-step throughput of LeNet-5 on 1x28x28, batch 64, Adam(1e-3), one fixed random batch in a loop: DL4J's
 * {@link LeNet5Model} {@code fit} against {@link FastLeNet5Model} ({@code computeGradient} + the same Adam on the
 * flat vector), with 1 and 2 threads. Not a test (surefire runs {@code *Test} classes only): a main class, run with
 * the module's test class path, e.g. for the oneDNN build of nd4j-native
 * <pre>
 *   mvn -q -B -Ponednn test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -pl model-zoo
 *   java $(opens) -Dorg.bytedeco.javacpp.platform.extension=-onednn \
 *        -cp model-zoo/target/test-classes:model-zoo/target/classes:$(cat /tmp/cp.txt) \
 *        org.sparktrain.zoo.FastLeNet5Bench [seconds per measurement] [rounds]
 * </pre>
 * ({@code $(opens)}: the {@code --add-opens} flags of {@code sparktrain.jvm.opens} in the parent pom). The
 * configurations are measured in interleaved rounds so that load from other processes hits all of them alike; each
 * line shows the 1-minute load average of the machine, the table the median over rounds.
 */
public final class FastLeNet5Bench {
    private static final int BATCH = 64;
    private static final ImageShape SHAPE = new ImageShape(1, 28, 28);

    private FastLeNet5Bench() {
    }

    public static void main(String[] args) throws IOException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 8;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        INDArray x = Nd4j.rand(DataType.FLOAT, BATCH, SHAPE.size());
        INDArray y = Nd4j.zeros(DataType.FLOAT, BATCH, 10);
        for (int i = 0; i < BATCH; i++) {
            y.putScalar(i, i % 10, 1);
        }
        Map<String, Step> steps = new LinkedHashMap<>();
        steps.put("DL4J LeNet5Model fit, 1 thread", threads(1, dl4j(x, y)));
        steps.put("DL4J LeNet5Model fit, 2 threads", threads(2, dl4j(x, y)));
        steps.put("FastLeNet5Model, 1 thread", threads(1, fast(x, y, 1)));
        steps.put("FastLeNet5Model, 2 threads inside each op", threads(2, fast(x, y, 1)));
        steps.put("FastLeNet5Model, 2 workers x 1 thread (batch split)", threads(1, fast(x, y, 2)));
        String library = org.bytedeco.javacpp.Loader.getLoadedLibraries().values().stream()
                .filter(path -> path.endsWith("libnd4jcpu.so")).findFirst().orElse("?");
        System.out.printf(Locale.ROOT, "%s%n%d cores, batch %d, %.0f s x %d rounds%n", library,
                Runtime.getRuntime().availableProcessors(), BATCH, seconds, rounds);
        Map<String, List<Double>> results = new LinkedHashMap<>();
        for (Map.Entry<String, Step> e : steps.entrySet()) {
            e.getValue().run(20);
            results.put(e.getKey(), new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, Step> e : steps.entrySet()) {
                double load = loadAverage();
                double samplesPerSecond = measure(e.getValue(), seconds);
                results.get(e.getKey()).add(samplesPerSecond);
                System.out.printf(Locale.ROOT, "round %d  %-52s %8.0f samples/s  (load %.2f)%n", round + 1, e.getKey(),
                        samplesPerSecond, load);
            }
        }
        System.out.println("\n| configuration | samples/s (median) | all rounds |\n|---|---|---|");
        for (Map.Entry<String, List<Double>> e : results.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            StringBuilder all = new StringBuilder();
            for (double s : e.getValue()) {
                all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", s));
            }
            System.out.printf(Locale.ROOT, "| %s | %.0f | %s |%n", e.getKey(), v.get(v.size() / 2), all);
        }
    }

    /** One training step; {@link #run} runs it n times with its thread settings. */
    interface Step {
        void step();

        default void run(int n) {
            for (int i = 0; i < n; i++) {
                step();
            }
        }
    }

    /** Sets ND4J's threads and the calling thread's OpenMP threads (oneDNN's) before the step's runs. */
    static Step threads(int n, Step step) {
        return new Step() {
            @Override
            public void step() {
                step.step();
            }

            @Override
            public void run(int count) {
                Nd4j.getEnvironment().setMaxThreads(n);
                Nd4j.getEnvironment().setMaxMasterThreads(n);
                Nd4j.factory().blas().setMaxThreads(n);
                NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
                Step.super.run(count);
            }
        };
    }

    static Step dl4j(INDArray x, INDArray y) {
        MultiLayerNetwork net = ClassifierNetworks.create(ClassifierModelConfig.defaults(), SHAPE, 10, 1, new Adam(1e-3));
        DataSet ds = new DataSet(x, y);
        return () -> net.fit(ds);
    }

    /** computeGradient, then Adam on the mean gradient, applied to the flat parameter vector as DL4J does. */
    static Step fast(INDArray x, INDArray y, int workers) {
        FastLeNet5Model model = new FastLeNet5Model(SHAPE, 10, 1, DataType.FLOAT, workers);
        INDArray gradient = Nd4j.create(DataType.FLOAT, 1, model.numParams());
        GradientUpdater<?> adam = new Adam(1e-3).instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2 * model.numParams()), true);
        int[] iteration = {0};
        return () -> {
            model.computeGradient(x, y, gradient);
            gradient.divi(BATCH);
            adam.applyUpdater(gradient, iteration[0]++, 0);
            model.params().subi(gradient);
        };
    }

    static double measure(Step step, double seconds) {
        step.run(3);
        long start = System.nanoTime();
        int steps = 0;
        while (System.nanoTime() - start < seconds * 1e9) {
            step.step();
            steps++;
        }
        return steps * (double) BATCH / ((System.nanoTime() - start) / 1e9);
    }

    static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }
}

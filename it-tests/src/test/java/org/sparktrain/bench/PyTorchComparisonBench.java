package org.sparktrain.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.sparktrain.engine.NativeThreads;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.zoo.ClassifierModelConfig;
import org.sparktrain.zoo.ClassifierNetworks;
import org.sparktrain.zoo.FastLeNet5Model;
import org.sparktrain.zoo.ImageShape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Single-process training-step throughput of sparktrain's networks (DL4J/ND4J) against PyTorch 1.13 CPU (Debian
 * python3-torch with libopenblas0-pthread) on the same CPU: same architectures, batch, thread count, Adam, one fixed
 * batch in a loop after a warm-up. Also checks that PyTorch's BLAS is the optimised one (2048x2048 float GEMM).
 */
class PyTorchComparisonBench {
    static final String PYTHON = "/usr/bin/python3";
    static final double SECONDS = 10;

    @Test
    void trainingStepThroughputAgainstPyTorch() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)) && python("-c", "import torch") != null,
                "needs /usr/bin/python3 with torch: apt-get install -y python3-torch libopenblas0-pthread");
        JsonNode g = python(script(), "gflops", "2");
        double torchGflops = g.get("gflops").asDouble();
        double nd4jGflops = nd4jGflops();
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
                "2048x2048 float32 GEMM, 2 threads: PyTorch %.0f GFLOP/s, ND4J %.0f GFLOP/s (PyTorch's BLAS is the "
                        + "optimised OpenBLAS when this is well over 100).%n%n", torchGflops, nd4jGflops));
        md.append("| model | batch | threads | DL4J `fit` (samples/s) | sparktrain engine model (samples/s) | PyTorch (samples/s) "
                + "| ratio sparktrain / PyTorch |\n|---|---|---|---|---|---|---|\n");
        for (Object[] c : new Object[][]{{"lenet", 64}, {"mlp", 1024}}) {
            for (int threads : new int[]{2, 1}) {
                String kind = (String) c[0];
                int batch = (Integer) c[1];
                double plainDl4j = dl4j(kind, batch, threads);
                // what train-classifier runs: FastLeNet5Model for LeNet-5 (model.implementation: fast, the default),
                // DL4J's network for the MLP
                double ours = kind.equals("lenet") ? fastLeNet(batch, threads) : plainDl4j;
                double torch = python(script(), kind, Integer.toString(batch), Integer.toString(threads),
                        Double.toString(SECONDS)).get("samplesPerSecond").asDouble();
                md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.0f | %.2f |%n",
                        kind.equals("lenet") ? "LeNet-5" : "MLP 784-256-10", batch, threads, plainDl4j, ours, torch,
                        ours / torch));
            }
        }
        md.append("\nBoth sides: forward, softmax cross-entropy, backward and an Adam step per iteration on one fixed "
                + "random batch, " + (int) SECONDS + " s after 20 warm-up steps. DL4J column: "
                + "`MultiLayerNetwork.fit` of the model-zoo networks, ND4J threads set with "
                + "`Nd4j.getEnvironment().setMaxThreads`. sparktrain column: the model train-classifier trains; for "
                + "LeNet-5 that is model-zoo's FastLeNet5Model (`computeGradient` + ND4J's Adam on the flat parameter "
                + "vector; with 2 threads the batch is split over 2 worker threads of 1 native thread each, as the "
                + "engine's 2 workers do), for the MLP DL4J's network. PyTorch side: "
                + "it-tests/src/test/python/torch_step_bench.py with `torch.set_num_threads`.\n");
        System.out.println(md);
        BenchReport.write("pytorch", "Training-step throughput against PyTorch on the same CPU",
                "mvn -B -Pbench verify -pl it-tests -am -Dit.test=PyTorchComparisonBench -DskipTests=false -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false",
                BenchReport.machine(), md.toString());
    }

    static double dl4j(String kind, int batch, int threads) {
        NativeThreads.configure(threads);
        ClassifierModelConfig cfg = kind.equals("lenet") ? new ClassifierModelConfig("lenet5", null)
                : new ClassifierModelConfig("mlp", List.of(256));
        MultiLayerNetwork net = ClassifierNetworks.create(cfg, new ImageShape(1, 28, 28), 10, 1,
                OptimizerConfig.of("adam", 1e-3).toNd4j());
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 784);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1);
        }
        DataSet ds = new DataSet(x, y);
        for (int i = 0; i < 20; i++) {
            net.fit(ds);
        }
        long n = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < SECONDS * 1e9) {
            net.fit(ds);
            n++;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        NativeThreads.configure(0);
        return n * batch / s;
    }

    /** FastLeNet5Model: computeGradient + Adam on the mean gradient, as FastLeNet5Trainable under the engine. */
    static double fastLeNet(int batch, int threads) {
        NativeThreads.configure(1); // 1 native thread per worker thread
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 784);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1);
        }
        try (FastLeNet5Model model = new FastLeNet5Model(new ImageShape(1, 28, 28), 10, 1, DataType.FLOAT, threads)) {
            INDArray gradient = Nd4j.create(DataType.FLOAT, 1, model.numParams());
            GradientUpdater<?> adam = new Adam(1e-3)
                    .instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2 * model.numParams()), true);
            long n = 0;
            long t0 = 0;
            for (int i = 0; ; i++) {
                if (i == 20) {
                    t0 = System.nanoTime();
                }
                model.computeGradient(x, y, gradient);
                gradient.divi(batch);
                adam.applyUpdater(gradient, i, 0);
                model.params().subi(gradient);
                if (i >= 20) {
                    n++;
                    if (System.nanoTime() - t0 >= SECONDS * 1e9) {
                        break;
                    }
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            NativeThreads.configure(0);
            return n * batch / s;
        }
    }

    static double nd4jGflops() {
        NativeThreads.configure(2);
        INDArray a = Nd4j.rand(DataType.FLOAT, 2048, 2048);
        INDArray b = Nd4j.rand(DataType.FLOAT, 2048, 2048);
        a.mmul(b);
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            a.mmul(b);
        }
        double s = (System.nanoTime() - t0) / 1e9 / 10;
        NativeThreads.configure(0);
        return 2 * Math.pow(2048, 3) / s / 1e9;
    }

    static String script() {
        return Path.of("src", "test", "python", "torch_step_bench.py").toAbsolutePath().toString();
    }

    static JsonNode python(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            return null;
        }
        return out.isEmpty() ? new ObjectMapper().createObjectNode() : new ObjectMapper().readTree(out.lines()
                .reduce((a, b) -> b).orElse("{}"));
    }
}

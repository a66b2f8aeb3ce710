package org.sparktrain.retrieval.encoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.sparktrain.zoo.bert.BertTokenBatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Time of one MiniLM forward on a batch of 32 sentences of about 30 word pieces, 1 native thread: the SameDiff
 * encoder (forward; forward + backward) against ONNX Runtime (forward, 1 intra-op thread). Not part of the normal
 * test run (surefire runs {@code *Test} classes); run it with
 * {@code mvn -B -o -q -pl retrieval -am test -Dtest=MiniLmForwardBench -Dsurefire.failIfNoSpecifiedTests=false}.
 * Prints the median of 10 timed runs after 3 warm-up runs and the machine's 1-minute load average.
 */
class MiniLmForwardBench {
    private static final String[] WORDS = ("flow boundary layer heat transfer shock wave pressure gradient laminar "
            + "turbulent supersonic hypersonic wing body nose cone flutter panel buckling shell cylinder mach number "
            + "reynolds skin friction drag lift experiment theory solution temperature").split(" ");

    @Test
    void forwardOfABatchOf32SentencesOnOneThread() throws Exception {
        Nd4j.create(1);
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
        Random rng = new Random(7);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            StringBuilder s = new StringBuilder();
            for (int w = 0; w < 24 + rng.nextInt(6); w++) {
                s.append(w == 0 ? "" : " ").append(WORDS[rng.nextInt(WORDS.length)]);
            }
            texts.add(s.toString());
        }
        MiniLmSameDiffEncoder sameDiff = MiniLmSameDiffEncoder.load(MiniLmFiles.MAX_SEQ_LENGTH);
        BertTokenBatch batch = sameDiff.tokenize(texts);
        INDArray upstream = Nd4j.rand(DataType.FLOAT, 32, 384);
        double sdForward;
        double sdBackward;
        double ort;
        try (OnnxMiniLmEncoder onnx = OnnxMiniLmEncoder.load(MiniLmFiles.MAX_SEQ_LENGTH, 1)) {
            sdForward = median(() -> sameDiff.encode(texts));
            sdBackward = median(() -> sameDiff.model().backward(batch, upstream));
            ort = median(() -> onnx.encode(texts));
        }
        double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        System.out.printf(Locale.ROOT, "MiniLM, batch 32 x %d tokens (padded), 1 thread, load average %.1f:%n"
                        + "  SameDiff forward            %7.1f ms%n"
                        + "  SameDiff forward + backward %7.1f ms%n"
                        + "  ONNX Runtime forward        %7.1f ms%n",
                batch.length(), load, sdForward, sdBackward, ort);
    }

    private static double median(Runnable r) {
        for (int i = 0; i < 3; i++) {
            r.run();
        }
        double[] ms = new double[10];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return (ms[4] + ms[5]) / 2;
    }
}

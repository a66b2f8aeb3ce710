package org.sparktrain.zoo.bert;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences in double precision against SameDiff's gradient of L(θ) = Σ U(θ) ⊙ G (G fixed random,
 * U the sentence embeddings of a padded batch with two token types), for EVERY entry of every parameter tensor of a
 * tiny BERT (1,728 parameters, 3,456 forward passes: about 4 minutes, so not in the normal test run; the fast
 * {@link SameDiffBertEncoderGradientTest} checks random directional derivatives per tensor). Run it with
 * {@code mvn -B -o -q -pl model-zoo test -Dtest=SameDiffBertEncoderFullGradientCheck -Dsurefire.failIfNoSpecifiedTests=false}. This covers each op the encoder uses: gather (word, position, type tables), matmul (dense layers,
 * 4-d attention products, pooling), the composed LayerNorm, softmax along the key axis with the additive padding
 * mask, the composed erf GELU, reshape/permute of the heads, masked mean pooling and the L2 normalisation.
 */
class SameDiffBertEncoderFullGradientCheck {
    static final double H = 1e-6;

    @BeforeAll
    static void oneNativeThread() {
        Nd4j.create(1);
        // thousands of tiny forwards: OpenMP threads only add contention
        org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    }

    @Test
    void everyParameterMatchesCentralDifferences() {
        BertParameters p = TinyBert.parameters(21);
        SameDiffBertEncoder encoder = new SameDiffBertEncoder(p);
        BertTokenBatch batch = TinyBert.batch();
        Random rng = new Random(22);
        INDArray g = Nd4j.zeros(DataType.DOUBLE, 3, 8);
        for (long i = 0; i < g.length(); i++) {
            g.putScalar(i, rng.nextGaussian());
        }
        encoder.backward(batch, g);
        INDArray analytic = encoder.gradient().dup();
        INDArray flat = encoder.params();
        Map<String, Double> worstPerTensor = new LinkedHashMap<>();
        String failure = null;
        for (String name : p.names()) {
            long from = p.offset(name);
            long to = from + p.tensor(name).length();
            double worst = 0;
            for (long i = from; i < to; i++) {
                double saved = flat.getDouble(0, i);
                flat.putScalar(0, i, saved + H);
                double up = encoder.sentenceEmbeddings(batch).mul(g).sumNumber().doubleValue();
                flat.putScalar(0, i, saved - H);
                double down = encoder.sentenceEmbeddings(batch).mul(g).sumNumber().doubleValue();
                flat.putScalar(0, i, saved);
                double numeric = (up - down) / (2 * H);
                double exact = analytic.getDouble(0, i);
                double err = Math.abs(exact - numeric);
                double scale = Math.max(Math.abs(numeric), Math.abs(exact));
                worst = Math.max(worst, scale > 1e-6 ? err / scale : 0);
                if (failure == null && err > 1e-6 * scale + 1e-8) {
                    failure = name + " entry " + (i - from) + ": analytic " + exact + " numeric " + numeric;
                }
            }
            worstPerTensor.put(name, worst);
        }
        worstPerTensor.forEach((name, worst) -> System.out.printf("  %-48s worst relative error %.2e%n", name, worst));
        System.out.printf("tiny BERT gradient check: %d parameters, worst relative error %.2e%n", p.numParams(),
                worstPerTensor.values().stream().mapToDouble(Double::doubleValue).max().orElse(0));
        assertTrue(failure == null, failure);
        // rows of the word table that no token of the batch uses get exactly zero gradient
        assertEquals(0.0, encoder.gradientTensors().tensor(BertParameters.WORD_EMBEDDINGS).getRow(3)
                .norm2Number().doubleValue(), 0.0);
    }
}

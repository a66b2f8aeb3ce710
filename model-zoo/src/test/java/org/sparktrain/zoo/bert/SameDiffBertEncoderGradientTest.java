package org.sparktrain.zoo.bert;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences in double precision against SameDiff's gradient of L(θ) = Σ U(θ) ⊙ G (G fixed random,
 * U the sentence embeddings of a padded batch with two token types) of a tiny BERT, as directional derivatives: for
 * every parameter tensor a random unit direction v inside that tensor (so each tensor's gradient is checked on its
 * own), plus three random directions over the whole vector: (L(θ + hv) − L(θ − hv)) / 2h must equal ∇L · v. Every
 * op the encoder uses lies on these paths: the hand-written embedding gather/scatter-add (word, position, type
 * tables, repeated ids), matmul (dense layers, 4-d attention products, pooling), the composed LayerNorm, softmax over
 * the keys with the additive padding mask, the composed erf GELU, reshape/permute of the heads, masked mean pooling
 * and the L2 normalisation. {@link SameDiffBertEncoderFullGradientCheck} checks every single entry (slow).
 */
class SameDiffBertEncoderGradientTest {
    static final double H = 1e-5;

    @BeforeAll
    static void oneNativeThread() {
        Nd4j.create(1);
        // many tiny forwards: OpenMP threads only add contention
        org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    }

    @Test
    void directionalDerivativesOfEveryTensorMatchCentralDifferences() {
        BertParameters p = TinyBert.parameters(21);
        SameDiffBertEncoder encoder = new SameDiffBertEncoder(p);
        BertTokenBatch batch = TinyBert.batch();
        Random rng = new Random(22);
        INDArray g = gaussian(rng, 3, 8);
        encoder.backward(batch, g);
        INDArray analytic = encoder.gradient().dup();
        double worst = 0;
        int checked = 0;
        for (int k = 0; k < p.names().size() + 3; k++) {
            INDArray v = Nd4j.zeros(DataType.DOUBLE, 1, p.numParams());
            String what;
            if (k < p.names().size()) {
                what = p.names().get(k);
                long from = p.offset(what);
                for (long i = from; i < from + p.tensor(what).length(); i++) {
                    v.putScalar(0, i, rng.nextGaussian());
                }
            } else {
                what = "whole vector, direction " + (k - p.names().size());
                v = gaussian(rng, 1, (int) p.numParams());
            }
            v.divi(v.norm2Number());
            double exact = analytic.mul(v).sumNumber().doubleValue();
            double scale = analytic.mul(v.neq(0).castTo(DataType.DOUBLE)).norm2Number().doubleValue();
            INDArray saved = encoder.params().dup();
            encoder.params().addi(v.mul(H));
            double up = loss(encoder, batch, g);
            encoder.params().assign(saved).subi(v.mul(H));
            double down = loss(encoder, batch, g);
            encoder.params().assign(saved);
            double numeric = (up - down) / (2 * H);
            double err = Math.abs(exact - numeric);
            if (scale > 1e-9) {           // the key biases have exactly zero gradient (softmax is shift-invariant)
                worst = Math.max(worst, err / scale);
            }
            checked++;
            assertTrue(err <= 1e-6 * scale + 1e-9, what + ": analytic " + exact + " numeric " + numeric
                    + " (|grad of tensor| " + scale + ")");
        }
        System.out.printf("tiny BERT directional gradient check: %d directions, worst |error| / |grad of the tensor| %.2e%n",
                checked, worst);
    }

    /** Repeated ids and positions (the [CLS] and [SEP] of every sequence) sum their rows' gradients. */
    @Test
    void embeddingTableGradientsSumOverRepeatedIds() {
        BertParameters p = TinyBert.parameters(24);
        SameDiffBertEncoder encoder = new SameDiffBertEncoder(p);
        BertTokenBatch batch = TinyBert.batch();
        INDArray g = gaussian(new Random(25), 3, 8);
        encoder.backward(batch, g);
        // the rows' gradients = the summed per-token input gradients; row 3 and rows >= 7 of positions are unused
        BertParameters grad = encoder.gradientTensors();
        assertEquals(0.0, grad.tensor(BertParameters.WORD_EMBEDDINGS).getRow(3).norm2Number().doubleValue(), 0.0);
        assertEquals(0.0, grad.tensor(BertParameters.POSITION_EMBEDDINGS).getRow(7).norm2Number().doubleValue(), 0.0);
        // token type rows: every token adds its input gradient to row type_n, position rows to row t, so the sums
        // of the three tables' gradients over their rows are all equal (to Σ_n ∂L/∂x_n)
        INDArray word = grad.tensor(BertParameters.WORD_EMBEDDINGS).sum(0);
        INDArray pos = grad.tensor(BertParameters.POSITION_EMBEDDINGS).sum(0);
        INDArray type = grad.tensor(BertParameters.TOKEN_TYPE_EMBEDDINGS).sum(0);
        assertTrue(word.sub(pos).norm2Number().doubleValue() < 1e-12);
        assertTrue(word.sub(type).norm2Number().doubleValue() < 1e-12);
        assertTrue(word.norm2Number().doubleValue() > 1e-6);
    }

    /** The gradient is overwritten, not accumulated, and is linear in the upstream gradient. */
    @Test
    void backwardIsLinearInTheUpstreamGradient() {
        SameDiffBertEncoder encoder = new SameDiffBertEncoder(TinyBert.parameters(23));
        BertTokenBatch batch = TinyBert.batch();
        Random rng = new Random(26);
        INDArray g1 = gaussian(rng, 3, 8);
        INDArray g2 = gaussian(rng, 3, 8);
        encoder.backward(batch, g1);
        INDArray a = encoder.gradient().dup();
        encoder.backward(batch, g2);
        INDArray b = encoder.gradient().dup();
        encoder.backward(batch, g1.mul(2).add(g2.mul(-3)));
        INDArray combined = encoder.gradient();
        double diff = combined.sub(a.mul(2).add(b.mul(-3))).norm2Number().doubleValue();
        assertTrue(diff < 1e-10 * Math.max(1, combined.norm2Number().doubleValue()), "diff " + diff);
    }

    static double loss(SameDiffBertEncoder encoder, BertTokenBatch batch, INDArray g) {
        return encoder.sentenceEmbeddings(batch).mul(g).sumNumber().doubleValue();
    }

    static INDArray gaussian(Random rng, int rows, int cols) {
        INDArray a = Nd4j.zeros(DataType.DOUBLE, rows, cols);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, rng.nextGaussian());
        }
        return a;
    }
}

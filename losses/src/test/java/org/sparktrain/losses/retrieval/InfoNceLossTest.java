package org.sparktrain.losses.retrieval;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.GradientCheck;
import org.sparktrain.losses.LossInputs;
import org.sparktrain.losses.SimilarityKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoNceLossTest {
    private static final double[][] Q = {{1, 0}, {0, 2}, {3, 4}};
    private static final double[][] POS = {{4, 3}, {0, 1}, {1, 0}};
    private static final double[][] NEG = {{0, 1}, {1, 0}, {-4, 3}};

    private static TripleEmbeddings handBatch() {
        return new TripleEmbeddings(Nd4j.create(Q), Nd4j.create(POS), Nd4j.create(NEG));
    }

    private static double lse(double... z) {
        double s = 0;
        for (double v : z) {
            s += Math.exp(v);
        }
        return Math.log(s);
    }

    @Test
    void handComputedValuesOnThreeTriples() {
        // cosines of q_i with [d1+ d2+ d3+ | d1− d2− d3−]:
        // q1: .8 0 1 | 0 1 −.8;  q2: .6 1 0 | 1 0 .6;  q3: .96 .8 .6 | .8 .6 0
        double expected = (lse(.8, 0, 1, 0, 1, -.8) - .8 + lse(.6, 1, 0, 1, 0, .6) - 1 + lse(.96, .8, .6, .8, .6, 0) - .6) / 3;
        InfoNceConfig tau1 = InfoNceConfig.defaults().withTemperature(1);
        assertEquals(expected, new InfoNceLoss(tau1).compute(handBatch()).value(), 1e-12);
        // positives only
        double positivesOnly = (lse(.8, 0, 1) - .8 + lse(.6, 1, 0) - 1 + lse(.96, .8, .6) - .6) / 3;
        assertEquals(positivesOnly, new InfoNceLoss(tau1.withHardNegatives(false)).compute(handBatch()).value(), 1e-12);
        // own positive and own negative only, τ = .5: z = s/.5
        double ownPair = (lse(1.6, 0) - 1.6 + lse(2, 0) - 2 + lse(1.2, 0) - 1.2) / 3;
        assertEquals(ownPair, new InfoNceLoss(tau1.withTemperature(0.5).withInBatchNegatives(false))
                .compute(handBatch()).value(), 1e-12);
        // dot product, τ = 10: q·d+ = [[4 0 1],[6 2 0],[24 4 3]], q·d− = [[0 1 −4],[2 0 6],[4 3 0]]
        double dot = (lse(.4, 0, .1, 0, .1, -.4) - .4 + lse(.6, .2, 0, .2, 0, .6) - .2 + lse(2.4, .4, .3, .4, .3, 0) - .3) / 3;
        assertEquals(dot, new InfoNceLoss(tau1.withTemperature(10).withSimilarity(SimilarityKind.DOT))
                .compute(handBatch()).value(), 1e-12);
    }

    static List<InfoNceConfig> allVariants() {
        List<InfoNceConfig> out = new ArrayList<>();
        for (SimilarityKind s : SimilarityKind.values()) {
            out.add(new InfoNceConfig(0.3, s, true, true));
            out.add(new InfoNceConfig(0.3, s, true, false));
            out.add(new InfoNceConfig(0.3, s, false, true));
        }
        return out;
    }

    /** The definition in plain Java loops over the whole batch (an independent computation). */
    static double reference(InfoNceConfig c, double[][] q, double[][] p, double[][] n) {
        int g = q.length;
        double total = 0;
        for (int i = 0; i < g; i++) {
            List<Double> z = new ArrayList<>();
            for (int j = 0; j < g; j++) {
                if (c.inBatchNegatives() || j == i) {
                    z.add(score(c, q[i], p[j]) / c.temperature());
                }
            }
            if (c.hardNegatives()) {
                for (int j = 0; j < g; j++) {
                    if (c.inBatchNegatives() || j == i) {
                        z.add(score(c, q[i], n[j]) / c.temperature());
                    }
                }
            }
            double max = z.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double sum = z.stream().mapToDouble(v -> Math.exp(v - max)).sum();
            total += max + Math.log(sum) - score(c, q[i], p[i]) / c.temperature();
        }
        return total / g;
    }

    private static double score(InfoNceConfig c, double[] a, double[] b) {
        if (c.similarity() == SimilarityKind.COSINE) {
            return GradientCheck.cosine(a, b);
        }
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    @Test
    void everyVariantMatchesTheReferenceAndFiniteDifferences() {
        Random rnd = new Random(21);
        INDArray q = GradientCheck.gaussian(rnd, 3, 4);
        INDArray p = GradientCheck.gaussian(rnd, 3, 4);
        INDArray n = GradientCheck.gaussian(rnd, 3, 4);
        double worst = 0;
        for (InfoNceConfig c : allVariants()) {
            TripleGradients got = new InfoNceLoss(c).compute(new TripleEmbeddings(q, p, c.hardNegatives() ? n : null));
            assertEquals(reference(c, q.toDoubleMatrix(), p.toDoubleMatrix(), n.toDoubleMatrix()), got.value(), 1e-12,
                    c.toString());
            INDArray[] grads = {got.queries(), got.positives(), c.hardNegatives() ? got.negatives() : null};
            INDArray[] inputs = {q, p, c.hardNegatives() ? n : null};
            worst = Math.max(worst, GradientCheck.assertMatches(c.toString(), inputs, grads,
                    x -> reference(c, x[0], x[1], x[2])));
        }
        System.out.printf("InfoNceLoss: %d variants, worst relative gradient error %.2e%n", allVariants().size(), worst);
    }

    @Test
    void twoWorkersSumToTheSingleBatchAndPairEachQueryWithItsGlobalPositive() {
        Random rnd = new Random(22);
        INDArray q = GradientCheck.gaussian(rnd, 5, 4);
        INDArray p = GradientCheck.gaussian(rnd, 5, 4);
        INDArray n = GradientCheck.gaussian(rnd, 5, 4);
        for (InfoNceConfig c : allVariants()) {
            InfoNceLoss loss = new InfoNceLoss(c);
            INDArray neg = c.hardNegatives() ? n : null;
            TripleGradients whole = loss.compute(new TripleEmbeddings(q, p, neg));
            double value = 0;
            INDArray dq = q.mul(0);
            INDArray dp = q.mul(0);
            INDArray dn = q.mul(0);
            for (int[] blk : new int[][]{{0, 2}, {2, 3}}) {
                WorkerGradients w = loss.computeWorker(new WorkerTriples(LossInputs.rows(q, blk[0], blk[1]), p, neg,
                        blk[0]));
                value += w.value();
                LossInputs.addToRows(dq, blk[0], w.localQueries());
                dp.addi(w.globalPositives());
                if (neg != null) {
                    dn.addi(w.globalNegatives());
                }
            }
            assertEquals(whole.value(), value, 1e-13, c.toString());
            assertEquals(0, whole.queries().sub(dq).norm2Number().doubleValue(), 1e-13, c.toString());
            assertEquals(0, whole.positives().sub(dp).norm2Number().doubleValue(), 1e-13, c.toString());
            if (neg != null) {
                assertEquals(0, whole.negatives().sub(dn).norm2Number().doubleValue(), 1e-13, c.toString());
            }
        }
        // alignment: queries equal to their own positives and temperature tiny -> the loss is log(#ties) only when
        // local row r is scored against global row offset + r
        INDArray eye = Nd4j.eye(4).castTo(q.dataType());
        InfoNceLoss sharp = new InfoNceLoss(InfoNceConfig.defaults().withTemperature(1e-3).withHardNegatives(false));
        WorkerGradients right = sharp.computeWorker(new WorkerTriples(LossInputs.rows(eye, 2, 2), eye, null, 2));
        assertEquals(0, right.value(), 1e-12);
        WorkerGradients wrong = sharp.computeWorker(new WorkerTriples(LossInputs.rows(eye, 2, 2), eye, null, 0));
        assertEquals(2 * 1000.0 / 4, wrong.value(), 1e-9);
    }

    @Test
    void edgeCases() {
        // B = 1 without hard negatives: one candidate, the positive -> loss 0, zero gradient
        TripleGradients one = new InfoNceLoss(InfoNceConfig.defaults().withHardNegatives(false)).compute(
                new TripleEmbeddings(Nd4j.create(new double[][]{{1, 2}}), Nd4j.create(new double[][]{{3, -1}}), null));
        assertEquals(0, one.value(), 1e-15);
        assertEquals(0, one.queries().norm2Number().doubleValue(), 1e-15);
        // identical embeddings: all 2B logits equal -> log(2B), zero gradient
        INDArray same = Nd4j.create(new double[][]{{1, 2, 3}, {1, 2, 3}, {1, 2, 3}});
        TripleGradients flat = new InfoNceLoss(InfoNceConfig.defaults()).compute(new TripleEmbeddings(same, same, same));
        assertEquals(Math.log(6), flat.value(), 1e-12);
        assertEquals(0, flat.queries().norm2Number().doubleValue() + flat.positives().norm2Number().doubleValue(), 1e-12);
        // τ = 1e-4: logits up to 1e4, no overflow. Row 1's best candidates have cosine 1 (twice), its positive .8:
        // loss_1 = (1 − .8)/τ + log 2; row 2: its positive (cosine 1) ties with d1− -> log 2;
        // row 3: best candidate .96 (d1+) vs positive .6 -> (.96 − .6)/τ; the rest is below e^-1000
        TripleGradients tiny = new InfoNceLoss(InfoNceConfig.defaults().withTemperature(1e-4)).compute(handBatch());
        assertEquals((2000 + 2 * Math.log(2) + 3600) / 3, tiny.value(), 1e-6);
        assertTrue(Double.isFinite(tiny.queries().sumNumber().doubleValue()));
        assertTrue(Double.isFinite(tiny.negatives().norm2Number().doubleValue()));
        assertThrows(IllegalArgumentException.class, () -> InfoNceConfig.defaults().withTemperature(0));
        assertThrows(IllegalArgumentException.class,
                () -> InfoNceConfig.defaults().withHardNegatives(false).withInBatchNegatives(false));
    }
}

package org.sparktrain.losses.retrieval;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.GradientCheck;
import org.sparktrain.losses.SimilarityKind;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MarginMseLossTest {
    private static final double[][] Q = {{1, 0}, {0, 2}, {3, 4}};
    private static final double[][] POS = {{4, 3}, {0, 1}, {1, 0}};
    private static final double[][] NEG = {{0, 1}, {1, 0}, {-4, 3}};
    private static final double[] T_POS = {5, 1, 0};
    private static final double[] T_NEG = {2, 0, 1};

    private static TripleEmbeddings handBatch() {
        return new TripleEmbeddings(Nd4j.create(Q), Nd4j.create(POS), Nd4j.create(NEG));
    }

    @Test
    void handComputedValuesOnThreeTriples() {
        // dot: student margins (4−0, 2−0, 3−0), teacher margins (3, 1, −1): errors 1, 1, 4 -> 18/3
        assertEquals(6.0, MarginMseLoss.dot().compute(handBatch(), T_POS, T_NEG).value(), 1e-12);
        // cosine: student margins (.8, 1, .6): errors −2.2, 0, 1.6 -> 7.4/3
        assertEquals(7.4 / 3, new MarginMseLoss(SimilarityKind.COSINE).compute(handBatch(), T_POS, T_NEG).value(),
                1e-12);
    }

    static double reference(SimilarityKind s, double[][] q, double[][] p, double[][] n, double[] tp, double[] tn) {
        double sum = 0;
        for (int k = 0; k < q.length; k++) {
            double m = score(s, q[k], p[k]) - score(s, q[k], n[k]) - (tp[k] - tn[k]);
            sum += m * m;
        }
        return sum / q.length;
    }

    private static double score(SimilarityKind s, double[] a, double[] b) {
        if (s == SimilarityKind.COSINE) {
            return GradientCheck.cosine(a, b);
        }
        double d = 0;
        for (int k = 0; k < a.length; k++) {
            d += a[k] * b[k];
        }
        return d;
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Random rnd = new Random(31);
        INDArray q = GradientCheck.gaussian(rnd, 3, 4);
        INDArray p = GradientCheck.gaussian(rnd, 3, 4);
        INDArray n = GradientCheck.gaussian(rnd, 3, 4);
        double[] tp = {1.5, -0.2, 0.7};
        double[] tn = {0.1, 0.4, -1.1};
        for (SimilarityKind s : SimilarityKind.values()) {
            TripleGradients got = new MarginMseLoss(s).compute(new TripleEmbeddings(q, p, n), tp, tn);
            assertEquals(reference(s, q.toDoubleMatrix(), p.toDoubleMatrix(), n.toDoubleMatrix(), tp, tn), got.value(),
                    1e-12);
            double worst = GradientCheck.assertMatches("margin-mse " + s, new INDArray[]{q, p, n},
                    new INDArray[]{got.queries(), got.positives(), got.negatives()},
                    x -> reference(s, x[0], x[1], x[2], tp, tn));
            System.out.printf("MarginMseLoss %s: worst relative gradient error %.2e%n", s, worst);
        }
    }

    @Test
    void edgeCases() {
        // B = 1, student margin equal to the teacher's: zero loss and zero gradient
        TripleEmbeddings one = new TripleEmbeddings(Nd4j.create(new double[][]{{1, 2}}),
                Nd4j.create(new double[][]{{3, 0}}), Nd4j.create(new double[][]{{0, 1}}));
        TripleGradients g = MarginMseLoss.dot().compute(one, new double[]{4}, new double[]{3});
        assertEquals(0, g.value(), 1e-15);
        assertEquals(0, g.queries().norm2Number().doubleValue(), 1e-15);
        // identical embeddings: student margin 0 -> loss = mean teacher margin²
        INDArray same = Nd4j.create(new double[][]{{1, 2}, {1, 2}, {1, 2}});
        assertEquals((9 + 1 + 1) / 3.0, MarginMseLoss.dot().compute(new TripleEmbeddings(same, same, same), T_POS, T_NEG)
                .value(), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MarginMseLoss.dot().compute(handBatch(), new double[]{1, 2}, T_NEG));
        assertTrue(e.getMessage().contains("teacherPositive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MarginMseLoss.dot().compute(handBatch(), T_POS, new double[]{1, Double.NaN, 0}));
        assertTrue(e.getMessage().contains("teacherNegative[1]"), e.getMessage());
    }
}

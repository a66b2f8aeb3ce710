package org.sparktrain.losses.retrieval;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.losses.GradientCheck;
import org.sparktrain.losses.LossInputs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelevanceMarginLossTest {
    // Unit directions (after normalization): q = (1,0), (0,1), (.6,.8); d+ = (.8,.6), (0,1), (1,0);
    // d− = (0,1), (1,0), (−.8,.6). Raw vectors have other lengths to exercise the normalization.
    private static final double[][] Q = {{1, 0}, {0, 2}, {3, 4}};
    private static final double[][] POS = {{4, 3}, {0, 1}, {1, 0}};
    private static final double[][] NEG = {{0, 1}, {1, 0}, {-4, 3}};

    private static TripleEmbeddings handBatch() {
        return new TripleEmbeddings(Nd4j.create(Q), Nd4j.create(POS), Nd4j.create(NEG));
    }

    private static double loss(RelevanceMarginConfig c) {
        return new RelevanceMarginLoss(c).compute(handBatch()).value();
    }

    @Test
    void handComputedValuesOnThreeTriples() {
        // P_kk = (.8, 1, .6), N_kk = (0, 0, 0), D_kk = (.6, 0, −.8).
        // static c=.2: e = (.6, .8, .4) -> (.36 + .64 + .16)/3
        assertEquals(1.16 / 3, loss(RelevanceMarginConfig.staticMargin(0.2)), 1e-12);
        // adaptive: t = (.8, .5, .1), e = (0, .5, .5) -> .5/3
        assertEquals(0.5 / 3, loss(RelevanceMarginConfig.adaptive()), 1e-12);
        // N = [[0,1,−.8],[1,0,.6],[.8,.6,0]], T = (D+1)/2 = [[.8,.9,.36],[1,.5,.8],[.5,1,.1]]
        // broadcast M_ij = P_jj − N_ij = [[.8,0,1.4],[−.2,1,0],[0,.4,.6]]
        // static in-batch: E = M − .2, sum of squares 2.92
        assertEquals(2.92 / 9, loss(RelevanceMarginConfig.staticMargin(0.2).withInBatchNegatives(true)), 1e-12);
        // adaptive in-batch: E = [[0,−.9,1.04],[−1.2,.5,−.8],[−.5,−.6,.5]], sum of squares 5.0816
        assertEquals(5.0816 / 9, loss(RelevanceMarginConfig.adaptive().withInBatchNegatives(true)), 1e-12);
        // symmetric M_ij = P_ii − N_ij = [[.8,−.2,1.6],[0,1,.4],[−.2,0,.6]]; E sum of squares 5.8976
        assertEquals(5.8976 / 9, loss(RelevanceMarginConfig.adaptive().withInBatchNegatives(true)
                .withReading(MarginReading.SYMMETRIC)), 1e-12);
        // distributed broadcast: m_j = (.8, 1, .6), E_ij = m_j − T_ij, sum of squares .7376
        assertEquals(0.7376 / 9, loss(RelevanceMarginConfig.distributed()), 1e-12);
        // distributed symmetric: E_ij = m_i − T_ij, sum of squares .9136
        assertEquals(0.9136 / 9, loss(RelevanceMarginConfig.distributed().withReading(MarginReading.SYMMETRIC)),
                1e-12);
        // L1 and soft on the adaptive no-in-batch case: e = (0, .5, .5)
        assertEquals(1.0 / 3, loss(RelevanceMarginConfig.adaptive().withErrorFunction(MarginErrorFunction.L1)),
                1e-12);
        assertEquals((Math.log(2) + 2 * Math.log1p(Math.exp(-0.5))) / 3,
                loss(RelevanceMarginConfig.adaptive().withErrorFunction(MarginErrorFunction.SOFT)), 1e-12);
        // float32 embeddings (what an encoder emits) are cast and computed in double
        TripleEmbeddings f32 = new TripleEmbeddings(Nd4j.create(Q).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                Nd4j.create(POS).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                Nd4j.create(NEG).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        TripleGradients g32 = new RelevanceMarginLoss(RelevanceMarginConfig.adaptive().withInBatchNegatives(true))
                .compute(f32);
        assertEquals(5.0816 / 9, g32.value(), 1e-6);
        assertEquals(org.nd4j.linalg.api.buffer.DataType.DOUBLE, g32.queries().dataType());
    }

    /** Every combination of target, in-batch flag, reading, detach flag and error function the config allows. */
    static List<RelevanceMarginConfig> allVariants() {
        List<RelevanceMarginConfig> out = new ArrayList<>();
        for (MarginTarget target : MarginTarget.values()) {
            for (boolean inBatch : new boolean[]{false, true}) {
                if (target == MarginTarget.DISTRIBUTED && inBatch) {
                    continue;
                }
                for (MarginReading reading : MarginReading.values()) {
                    for (boolean detach : new boolean[]{false, true}) {
                        for (MarginErrorFunction f : MarginErrorFunction.values()) {
                            out.add(new RelevanceMarginConfig(target, 0.3, inBatch, reading, detach, f));
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * The spec's table in plain Java loops, the full G×G (or G) entries at once. The target similarities use
     * (tPos, tNeg), which are the live embeddings except when checking the detached target (then frozen copies).
     */
    static double reference(RelevanceMarginConfig c, double[][] q, double[][] p, double[][] n,
                            double[][] tPos, double[][] tNeg) {
        return reference(c, null, q, p, n, tPos, tNeg);
    }

    /** {@link #reference} with row weights w (null = all 1): every entry of row i (triple i) times w_i. */
    static double reference(RelevanceMarginConfig c, double[] w, double[][] q, double[][] p, double[][] n,
                            double[][] tPos, double[][] tNeg) {
        int g = q.length;
        double sum = 0;
        if (!c.inBatchNegatives() && c.target() != MarginTarget.DISTRIBUTED) {
            for (int k = 0; k < g; k++) {
                double t = c.target() == MarginTarget.STATIC ? c.staticMargin()
                        : (GradientCheck.cosine(tPos[k], tNeg[k]) + 1) / 2;
                double m = GradientCheck.cosine(q[k], p[k]) - GradientCheck.cosine(q[k], n[k]);
                sum += (w == null ? 1 : w[k]) * c.errorFunction().value(m - t);
            }
            return sum / g;
        }
        for (int i = 0; i < g; i++) {
            for (int j = 0; j < g; j++) {
                double t = c.target() == MarginTarget.STATIC ? c.staticMargin()
                        : (GradientCheck.cosine(tPos[i], tNeg[j]) + 1) / 2;
                double m;
                if (c.target() == MarginTarget.DISTRIBUTED) {
                    int k = c.reading() == MarginReading.BROADCAST ? j : i;
                    m = GradientCheck.cosine(q[k], p[k]) - GradientCheck.cosine(q[k], n[k]);
                } else {
                    int k = c.reading() == MarginReading.BROADCAST ? j : i;
                    m = GradientCheck.cosine(q[k], p[k]) - GradientCheck.cosine(q[i], n[j]);
                }
                sum += (w == null ? 1 : w[i]) * c.errorFunction().value(m - t);
            }
        }
        return sum / ((double) g * g);
    }

    @Test
    void everyVariantMatchesThePlainJavaReferenceAndFiniteDifferences() {
        Random rnd = new Random(11);
        INDArray q = GradientCheck.gaussian(rnd, 3, 4);
        INDArray p = GradientCheck.gaussian(rnd, 3, 4);
        INDArray n = GradientCheck.gaussian(rnd, 3, 4);
        double worst = 0;
        for (RelevanceMarginConfig c : allVariants()) {
            TripleGradients got = new RelevanceMarginLoss(c).compute(new TripleEmbeddings(q, p, n));
            double[][] tp = p.toDoubleMatrix();
            double[][] tn = n.toDoubleMatrix();
            assertEquals(reference(c, q.toDoubleMatrix(), tp, tn, tp, tn), got.value(), 1e-12, c.toString());
            worst = Math.max(worst, GradientCheck.assertMatches(c.toString(), new INDArray[]{q, p, n},
                    new INDArray[]{got.queries(), got.positives(), got.negatives()},
                    // detached: the target is a constant computed from the unperturbed embeddings
                    x -> reference(c, x[0], x[1], x[2], c.detachTarget() ? tp : x[1], c.detachTarget() ? tn : x[2])));
        }
        System.out.printf("RelevanceMarginLoss: %d variants, worst relative gradient error %.2e%n",
                allVariants().size(), worst);
    }

    /** Per-row (selection) weights: value and gradients of every variant against the weighted reference. */
    @Test
    void rowWeightsMatchTheWeightedReferenceAndFiniteDifferences() {
        Random rnd = new Random(12);
        INDArray q = GradientCheck.gaussian(rnd, 3, 4);
        INDArray p = GradientCheck.gaussian(rnd, 3, 4);
        INDArray n = GradientCheck.gaussian(rnd, 3, 4);
        double[] w = {0.5, 2.0, 1.25};
        double worst = 0;
        for (RelevanceMarginConfig c : allVariants()) {
            TripleGradients got = new RelevanceMarginLoss(c).compute(new TripleEmbeddings(q, p, n), w);
            double[][] tp = p.toDoubleMatrix();
            double[][] tn = n.toDoubleMatrix();
            assertEquals(reference(c, w, q.toDoubleMatrix(), tp, tn, tp, tn), got.value(), 1e-12, c.toString());
            worst = Math.max(worst, GradientCheck.assertMatches(c.toString(), new INDArray[]{q, p, n},
                    new INDArray[]{got.queries(), got.positives(), got.negatives()},
                    x -> reference(c, w, x[0], x[1], x[2], c.detachTarget() ? tp : x[1],
                            c.detachTarget() ? tn : x[2])));
            // all weights 1 is the unweighted loss, bit for bit
            TripleGradients ones = new RelevanceMarginLoss(c).compute(new TripleEmbeddings(q, p, n),
                    new double[]{1, 1, 1});
            TripleGradients plain = new RelevanceMarginLoss(c).compute(new TripleEmbeddings(q, p, n));
            assertEquals(plain.value(), ones.value(), 0, c.toString());
            assertEquals(0, plain.queries().sub(ones.queries()).norm2Number().doubleValue(), 0, c.toString());
        }
        System.out.printf("RelevanceMarginLoss weighted: worst relative gradient error %.2e%n", worst);
    }

    @Test
    void handComputedWeightedValues() {
        double[] w = {2, 0, 0.5};
        // adaptive: e = (0, .5, .5) -> (2·0 + 0·.25 + .5·.25)/3
        assertEquals(0.125 / 3, new RelevanceMarginLoss(RelevanceMarginConfig.adaptive()).compute(handBatch(), w)
                .value(), 1e-12);
        // static c=.2: e = (.6, .8, .4) -> (2·.36 + 0 + .5·.16)/3
        assertEquals(0.8 / 3, new RelevanceMarginLoss(RelevanceMarginConfig.staticMargin(0.2)).compute(handBatch(), w)
                .value(), 1e-12);
        // adaptive in-batch, rows of E: [0,−.9,1.04] (1.8916), [−1.2,.5,−.8] (2.33), [−.5,−.6,.5] (.86)
        assertEquals((2 * 1.8916 + 0.5 * 0.86) / 9, new RelevanceMarginLoss(RelevanceMarginConfig.adaptive()
                .withInBatchNegatives(true)).compute(handBatch(), w).value(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new RelevanceMarginLoss(RelevanceMarginConfig.adaptive())
                .compute(handBatch(), new double[]{1, -1, 1}));
        assertThrows(IllegalArgumentException.class, () -> new RelevanceMarginLoss(RelevanceMarginConfig.adaptive())
                .compute(handBatch(), new double[]{1, 1}));
    }

    @Test
    void detachingTheTargetChangesTheGradientButNotTheValue() {
        Random rnd = new Random(3);
        TripleEmbeddings b = new TripleEmbeddings(GradientCheck.gaussian(rnd, 3, 5), GradientCheck.gaussian(rnd, 3, 5),
                GradientCheck.gaussian(rnd, 3, 5));
        TripleGradients live = new RelevanceMarginLoss(RelevanceMarginConfig.adaptive()).compute(b);
        TripleGradients frozen = new RelevanceMarginLoss(RelevanceMarginConfig.adaptive().withDetachedTarget(true))
                .compute(b);
        assertEquals(live.value(), frozen.value(), 0);
        assertEquals(0, live.queries().sub(frozen.queries()).norm2Number().doubleValue(), 1e-15,
                "queries do not enter the target");
        assertTrue(live.positives().sub(frozen.positives()).norm2Number().doubleValue() > 1e-3);
    }

    /** Splits a global batch of 5 triples over two workers (3 + 2 rows) in concatenation order. */
    @Test
    void twoWorkersSumToTheSingleBatchInValueAndGradients() {
        Random rnd = new Random(5);
        INDArray q = GradientCheck.gaussian(rnd, 5, 4);
        INDArray p = GradientCheck.gaussian(rnd, 5, 4);
        INDArray n = GradientCheck.gaussian(rnd, 5, 4);
        int[][] blocks = {{0, 3}, {3, 2}};
        for (RelevanceMarginConfig c : allVariants()) {
            if (c.errorFunction() != MarginErrorFunction.L2) {
                continue;   // φ acts per entry; the split over workers does not depend on it
            }
            RelevanceMarginLoss loss = new RelevanceMarginLoss(c);
            TripleGradients whole = loss.compute(new TripleEmbeddings(q, p, n));
            double value = 0;
            INDArray dq = Nd4j.zeros(5, 4).castTo(q.dataType());
            INDArray dqGlobal = Nd4j.zeros(5, 4).castTo(q.dataType());
            INDArray dp = Nd4j.zeros(5, 4).castTo(q.dataType());
            INDArray dn = Nd4j.zeros(5, 4).castTo(q.dataType());
            for (int[] blk : blocks) {
                WorkerGradients w = loss.computeWorker(new WorkerTriples(LossInputs.rows(q, blk[0], blk[1]), p, n,
                        blk[0], q));
                value += w.value();
                LossInputs.addToRows(dq, blk[0], w.localQueries());
                if (w.globalQueries() != null) {
                    dqGlobal.addi(w.globalQueries());
                }
                dp.addi(w.globalPositives());   // the all-reduce of the document gradients
                dn.addi(w.globalNegatives());
            }
            assertEquals(whole.value(), value, 1e-14, c.toString());
            assertEquals(0, whole.queries().sub(dq.add(dqGlobal)).norm2Number().doubleValue(), 1e-14, c.toString());
            assertEquals(0, whole.positives().sub(dp).norm2Number().doubleValue(), 1e-14, c.toString());
            assertEquals(0, whole.negatives().sub(dn).norm2Number().doubleValue(), 1e-14, c.toString());
        }
    }

    /**
     * The alignment the peers got wrong: a worker's local query r must be paired with global document row
     * offset + r. With q_k = d_k+ and d_k− orthogonal to q_k, every margin is exactly 1, so a static target of 1 gives
     * a zero loss on every worker — pairing local row r with global row r instead would not.
     */
    @Test
    void localQueriesArePairedWithTheirOwnGlobalDocumentRows() {
        double[][] qs = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {1, 1, 0, 0}};
        double[][] negs = {{0, 1, 0, 0}, {0, 0, 1, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}};
        INDArray q = Nd4j.create(qs);
        INDArray n = Nd4j.create(negs);
        RelevanceMarginLoss loss = new RelevanceMarginLoss(RelevanceMarginConfig.staticMargin(1.0));
        for (int offset : new int[]{0, 2}) {
            WorkerGradients w = loss.computeWorker(new WorkerTriples(LossInputs.rows(q, offset, 2), q, n, offset));
            assertEquals(0, w.value(), 1e-15, "worker at offset " + offset);
            assertNull(w.globalQueries());
        }
        // the misaligned pairing (second worker's queries against global rows 0, 1) is not a zero loss
        WorkerGradients wrong = loss.computeWorker(new WorkerTriples(LossInputs.rows(q, 2, 2), q, n, 0));
        assertTrue(wrong.value() > 0.1, "misaligned pairing must be visible, got " + wrong.value());
        // and the worker's share is exactly its rows of the global reference (adaptive in-batch, symmetric)
        RelevanceMarginConfig c = RelevanceMarginConfig.adaptive().withInBatchNegatives(true)
                .withReading(MarginReading.SYMMETRIC);
        Random rnd = new Random(9);
        INDArray p = GradientCheck.gaussian(rnd, 4, 4);
        WorkerGradients second = new RelevanceMarginLoss(c).computeWorker(
                new WorkerTriples(LossInputs.rows(q, 2, 2), p, n, 2));
        double rows23 = 0;
        for (int i = 2; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                double m = GradientCheck.cosine(qs[i], p.toDoubleMatrix()[i]) - GradientCheck.cosine(qs[i], negs[j]);
                double t = (GradientCheck.cosine(p.toDoubleMatrix()[i], negs[j]) + 1) / 2;
                rows23 += (m - t) * (m - t) / 16;
            }
        }
        assertEquals(rows23, second.value(), 1e-13);
    }

    @Test
    void edgeCases() {
        // B = 1: in-batch equals no-in-batch, one entry
        TripleEmbeddings one = new TripleEmbeddings(Nd4j.create(new double[][]{{1, 0}}),
                Nd4j.create(new double[][]{{4, 3}}), Nd4j.create(new double[][]{{0, 1}}));
        // m = .8 − 0, t = (.6 + 1)/2 = .8 -> 0
        assertEquals(0, new RelevanceMarginLoss(RelevanceMarginConfig.adaptive()).compute(one).value(), 1e-15);
        assertEquals(0.36, new RelevanceMarginLoss(RelevanceMarginConfig.staticMargin(0.2).withInBatchNegatives(true))
                .compute(one).value(), 1e-15);
        // identical embeddings everywhere: every cosine is 1, margin 0, adaptive target 1 -> loss 1, and the cosine is
        // at its maximum so the gradient vanishes
        INDArray same = Nd4j.create(new double[][]{{1, 2, 3}, {1, 2, 3}, {1, 2, 3}});
        for (RelevanceMarginConfig c : allVariants()) {
            if (c.target() == MarginTarget.STATIC || c.errorFunction() != MarginErrorFunction.L2) {
                continue;
            }
            TripleGradients g = new RelevanceMarginLoss(c).compute(new TripleEmbeddings(same, same, same));
            assertEquals(1.0, g.value(), 1e-12, c.toString());
            assertEquals(0, g.queries().norm2Number().doubleValue() + g.positives().norm2Number().doubleValue()
                    + g.negatives().norm2Number().doubleValue(), 1e-12, c.toString());
        }
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        INDArray ok = Nd4j.create(new double[][]{{1, 0}, {0, 1}});
        INDArray zeroRow = Nd4j.create(new double[][]{{1, 0}, {0, 0}});
        RelevanceMarginLoss loss = new RelevanceMarginLoss(RelevanceMarginConfig.adaptive());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.compute(new TripleEmbeddings(ok, zeroRow, ok)));
        assertTrue(e.getMessage().contains("globalPositives row 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RelevanceMarginConfig(MarginTarget.DISTRIBUTED, 0, true,
                MarginReading.BROADCAST, false, MarginErrorFunction.L2));
        RelevanceMarginLoss broadcast = new RelevanceMarginLoss(RelevanceMarginConfig.distributed());
        e = assertThrows(IllegalArgumentException.class,
                () -> broadcast.computeWorker(new WorkerTriples(LossInputs.rows(ok, 1, 1), ok, ok, 1)));
        assertTrue(e.getMessage().contains("globalQueries is required"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> broadcast.computeWorker(new WorkerTriples(LossInputs.rows(ok, 1, 1), ok, ok, 0, ok)));
        assertTrue(e.getMessage().contains("differ from localQueries"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> loss.computeWorker(new WorkerTriples(ok, ok, ok, 1)));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }
}

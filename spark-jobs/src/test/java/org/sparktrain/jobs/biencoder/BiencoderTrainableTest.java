package org.sparktrain.jobs.biencoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.Collective;
import org.sparktrain.engine.InMemoryCollective;
import org.sparktrain.engine.Shard;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;
import org.sparktrain.retrieval.encoder.PooledEncoder;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bi-encoder step across workers: W workers holding consecutive blocks of a global batch (each worker its own
 * triples, negatives of the others arriving through the gather) give the same loss and gradient as one worker on
 * the concatenated batch, for every loss variant; and the step is invariant to the order of the triples.
 */
class BiencoderTrainableTest {
    static final List<BiencoderLossConfig> LOSSES = List.of(
            BiencoderLossConfig.staticMargin(0.3),
            BiencoderLossConfig.staticMargin(0.3).withInBatchNegatives(true),
            BiencoderLossConfig.adaptive(),
            BiencoderLossConfig.adaptive().withInBatchNegatives(true),
            new BiencoderLossConfig("margin", "adaptive", null, true, "symmetric", null, null),
            new BiencoderLossConfig("margin", "adaptive", null, true, null, true, null),
            new BiencoderLossConfig("margin", "distributed", null, false, null, null, null),
            BiencoderLossConfig.infoNce(),
            BiencoderLossConfig.infoNce().withInBatchNegatives(false));

    static final float[][][] DATA = BiencoderFixtures.triples(7, 11);

    static BiencoderTrainable trainable(BiencoderLossConfig loss) {
        BiencoderTrainable t = new BiencoderTrainable(new PooledEncoder(BiencoderFixtures.table()), loss, 0);
        float[] p = BiencoderFixtures.params(t.numParams(), 19);
        t.params().assign(Nd4j.create(p, new long[]{1, p.length}, 'c'));
        return t;
    }

    /** Loss mean and mean gradient as the engine forms them: sums over workers divided by the summed weight. */
    record Step(double loss, float[] gradient) {
    }

    static Step oneWorker(BiencoderLossConfig loss, int... order) {
        BiencoderTrainable t = trainable(loss);
        Shard shard = BiencoderFixtures.shard(0, DATA, BiencoderFixtures.range(0, DATA.length));
        Batch batch = new Batch(shard, order);
        StepContext ctx = InMemoryCollective.contextFor(0, 0, 1, Collective.single(), batch);
        Trainable.StepResult r = t.computeGradient(batch, ctx);
        float[] g = t.gradient().toFloatVector();
        for (int i = 0; i < g.length; i++) {
            g[i] /= (float) r.weight();
        }
        return new Step(r.lossSum() / r.weight(), g);
    }

    /** Worker w holds the triples blocks[w] (global batch = their concatenation in worker order). */
    static Step workers(BiencoderLossConfig loss, int[]... blocks) throws Exception {
        int w = blocks.length;
        InMemoryCollective collective = new InMemoryCollective(w);
        ExecutorService pool = Executors.newFixedThreadPool(w);
        try {
            @SuppressWarnings("unchecked")
            Future<Object[]>[] results = new Future[w];
            for (int k = 0; k < w; k++) {
                int worker = k;
                results[k] = pool.submit(() -> {
                    BiencoderTrainable t = trainable(loss);
                    Shard shard = BiencoderFixtures.shard(worker, DATA, blocks[worker]);
                    Batch batch = new Batch(shard, BiencoderFixtures.range(0, blocks[worker].length));
                    StepContext ctx = InMemoryCollective.contextFor(0, worker, w, collective.worker(worker), batch);
                    Trainable.StepResult r = t.computeGradient(batch, ctx);
                    return new Object[]{r, t.gradient().toDoubleVector()};
                });
            }
            double lossSum = 0;
            double weight = 0;
            double[] grad = null;
            for (Future<Object[]> f : results) {
                Object[] o = f.get();
                Trainable.StepResult r = (Trainable.StepResult) o[0];
                double[] g = (double[]) o[1];
                lossSum += r.lossSum();
                weight += r.weight();
                if (grad == null) {
                    grad = new double[g.length];
                }
                for (int i = 0; i < g.length; i++) {
                    grad[i] += g[i];
                }
            }
            float[] mean = new float[grad.length];
            for (int i = 0; i < grad.length; i++) {
                mean[i] = (float) (grad[i] / weight);
            }
            return new Step(lossSum / weight, mean);
        } finally {
            pool.shutdownNow();
        }
    }

    static void assertSame(Step expected, Step actual, String what) {
        assertEquals(expected.loss(), actual.loss(), 1e-9 * Math.max(1, Math.abs(expected.loss())), what + ": loss");
        float scale = 0;
        for (float x : expected.gradient()) {
            scale = Math.max(scale, Math.abs(x));
        }
        assertTrue(scale > 0, what + ": zero gradient");
        for (int i = 0; i < expected.gradient().length; i++) {
            assertEquals(expected.gradient()[i], actual.gradient()[i], 1e-5f * scale, what + ": gradient " + i);
        }
    }

    @Test
    void twoAndThreeWorkersEqualOneWorkerOnTheCombinedBatch() throws Exception {
        for (BiencoderLossConfig loss : LOSSES) {
            Step one = oneWorker(loss, BiencoderFixtures.range(0, 7));
            assertSame(one, workers(loss, new int[]{0, 1, 2, 3}, new int[]{4, 5, 6}), "2 workers (4+3), " + loss.describe());
            assertSame(one, workers(loss, new int[]{0, 1}, new int[]{2, 3, 4}, new int[]{5, 6}),
                    "3 workers (2+3+2), " + loss.describe());
        }
    }

    /**
     * Relabelling the triples (the same permutation applied to queries, positives and negatives) leaves the batch
     * loss and gradient unchanged; the workers' blocks may hold any triples. If a worker paired its local query r
     * with global row r instead of offset + r, the second worker's queries would meet the first worker's documents
     * and these equalities would fail.
     */
    @Test
    void theStepIsInvariantToTheOrderOfTheTriples() throws Exception {
        int[] perm = {5, 2, 6, 0, 3, 1, 4};
        for (BiencoderLossConfig loss : LOSSES) {
            Step one = oneWorker(loss, BiencoderFixtures.range(0, 7));
            assertSame(one, oneWorker(loss, perm), "permuted, " + loss.describe());
            assertSame(one, workers(loss, new int[]{5, 2, 6}, new int[]{0, 3, 1, 4}), "permuted blocks, "
                    + loss.describe());
        }
    }

    /** Sensitivity: pairing queries with other triples' documents (a misaligned batch) changes the loss. */
    @Test
    void misalignedTriplesGiveAnotherLoss() {
        float[][][] shifted = new float[DATA.length][][];
        for (int k = 0; k < DATA.length; k++) {
            shifted[k] = new float[][]{DATA[k][0], DATA[(k + 3) % DATA.length][1], DATA[(k + 3) % DATA.length][2]};
        }
        for (BiencoderLossConfig loss : LOSSES) {
            BiencoderTrainable t = trainable(loss);
            Batch batch = new Batch(BiencoderFixtures.shard(0, shifted, BiencoderFixtures.range(0, 7)),
                    BiencoderFixtures.range(0, 7));
            double misaligned = t.computeGradient(batch, InMemoryCollective.contextFor(0, 0, 1, Collective.single(),
                    batch)).lossSum() / 7;
            double aligned = oneWorker(loss, BiencoderFixtures.range(0, 7)).loss();
            assertTrue(Math.abs(misaligned - aligned) > 1e-4, loss.describe() + ": " + aligned + " vs " + misaligned);
        }
    }

    /**
     * End to end (encoder, normalisation, loss, scaling): the reported gradient is the derivative of the reported
     * loss sum. Central differences with h = 2^-10, exact in float for these parameters; the forward runs in double.
     */
    @Test
    void gradientOfTheLossSumMatchesFiniteDifferences() {
        double h = 1.0 / 1024;
        for (BiencoderLossConfig loss : List.of(BiencoderLossConfig.adaptive().withInBatchNegatives(true),
                BiencoderLossConfig.infoNce())) {
            BiencoderTrainable t = trainable(loss);
            Batch batch = new Batch(BiencoderFixtures.shard(0, DATA, BiencoderFixtures.range(0, 7)),
                    BiencoderFixtures.range(0, 7));
            StepContext ctx = InMemoryCollective.contextFor(0, 0, 1, Collective.single(), batch);
            t.computeGradient(batch, ctx);
            float[] analytic = t.gradient().toFloatVector();
            int vocab = BiencoderFixtures.VOCAB;
            int d = BiencoderFixtures.DIM;
            int[] probe = {1, 4, 7, 13, 22, 29, vocab, vocab + 7, vocab + d * d - 1, vocab + d * d, vocab + d * d + d - 1};
            for (int i : probe) {
                float keep = t.params().getFloat(0, i);
                t.params().putScalar(0, i, keep + h);
                double up = t.computeGradient(batch, ctx).lossSum();
                t.params().putScalar(0, i, keep - h);
                double down = t.computeGradient(batch, ctx).lossSum();
                t.params().putScalar(0, i, keep);
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, analytic[i], 2e-3 * Math.max(Math.abs(numeric), 1e-2),
                        loss.describe() + ", parameter " + i);
            }
        }
    }
}

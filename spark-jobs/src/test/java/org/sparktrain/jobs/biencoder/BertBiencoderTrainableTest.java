package org.sparktrain.jobs.biencoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.Collective;
import org.sparktrain.engine.InMemoryCollective;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code minilm} bi-encoder step ({@link BertColumnEncoder} in {@link BiencoderTrainable}) on a tiny BERT in
 * double precision: the reported gradient is the derivative of the reported loss sum (the whole step: transformer,
 * pooling, normalisation, adaptive-margin loss, scaling) along random directions in the full parameter space, and 2
 * workers with cross-worker negatives give the loss and gradient of one worker on the combined batch.
 */
class BertBiencoderTrainableTest {
    static final float[][][] DATA = BiencoderFixtures.triples(6, 31);
    static final List<BiencoderLossConfig> ADAPTIVE = List.of(BiencoderLossConfig.adaptive(),
            BiencoderLossConfig.adaptive().withInBatchNegatives(true));

    static Batch batch(int... rows) {
        return new Batch(BiencoderFixtures.shard(0, DATA, rows), BiencoderFixtures.range(0, rows.length));
    }

    static double lossSum(Trainable t, Batch batch) {
        StepContext ctx = InMemoryCollective.contextFor(0, 0, 1, Collective.single(), batch);
        return t.computeGradient(batch, ctx).lossSum();
    }

    /**
     * Central differences along 2 random unit directions v of all 3,000-odd parameters (embedding tables included):
     * (L(θ + hv) − L(θ − hv)) / 2h against ∇L · v. In double with h = 1e-5 the truncation error is O(h²) ≈ 1e-10
     * and the rounding error ≈ 1e-16 · L / h ≈ 1e-10, so a relative tolerance of 1e-6 is ample, while a wrong
     * term (a missing column's backward, a wrong scale) changes the product by far more.
     */
    @Test
    void gradientOfTheStepLossMatchesFiniteDifferencesAlongRandomDirections() {
        double h = 1e-5;
        for (BiencoderLossConfig loss : ADAPTIVE) {
            BiencoderTrainable t = new TinyBertBiencoderFactory(7, loss).create();
            assertEquals(DataType.DOUBLE, t.params().dataType());
            Batch batch = batch(BiencoderFixtures.range(0, DATA.length));
            lossSum(t, batch);
            INDArray analytic = t.gradient().dup();
            INDArray theta = t.params().dup();
            Random rng = new Random(11);
            for (int k = 0; k < 2; k++) {
                double[] dir = new double[(int) t.numParams()];
                double norm = 0;
                for (int i = 0; i < dir.length; i++) {
                    dir[i] = rng.nextGaussian();
                    norm += dir[i] * dir[i];
                }
                INDArray v = Nd4j.createFromArray(dir).divi(Math.sqrt(norm)).reshape(theta.shape());
                t.params().assign(theta.add(v.mul(h)));
                double up = lossSum(t, batch);
                t.params().assign(theta.sub(v.mul(h)));
                double down = lossSum(t, batch);
                t.params().assign(theta);
                double numeric = (up - down) / (2 * h);
                double directional = analytic.mul(v).sumNumber().doubleValue();
                assertTrue(Math.abs(directional) > 1e-3, loss.describe() + ": directional derivative " + directional);
                assertEquals(numeric, directional, 1e-6 * Math.abs(numeric), loss.describe() + ", direction " + k);
            }
        }
    }

    /** The trainable exposes the model's live weights: the engine's writes reach the next forward, no copy. */
    @Test
    void theParameterVectorIsTheModelsLiveVector() {
        BiencoderTrainable t = new TinyBertBiencoderFactory(7, BiencoderLossConfig.adaptive()).create();
        Batch batch = batch(0, 1, 2);
        double before = lossSum(t, batch);
        t.params().muli(0.9);
        double after = lossSum(t, batch);
        assertTrue(Math.abs(after - before) > 1e-6, before + " vs " + after);
        INDArray p = t.params();
        lossSum(t, batch);
        assertSame(p, t.params());
    }

    /**
     * Worker 0 holds triples 0..2, worker 1 triples 3..5 (in-memory collective, two threads): the summed loss and
     * gradient over the summed weight equal one worker's on the batch 0..5. Both run in double, the only difference
     * is the order of sums, so 1e-10 relative.
     */
    @Test
    void twoWorkersEqualOneWorkerOnTheCombinedBatch() throws Exception {
        for (BiencoderLossConfig loss : ADAPTIVE) {
            BiencoderTrainable one = new TinyBertBiencoderFactory(7, loss).create();
            Batch all = batch(BiencoderFixtures.range(0, 6));
            Trainable.StepResult r1 = one.computeGradient(all, InMemoryCollective.contextFor(0, 0, 1,
                    Collective.single(), all));
            double[] g1 = one.gradient().toDoubleVector();

            InMemoryCollective collective = new InMemoryCollective(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                @SuppressWarnings("unchecked")
                Future<Object[]>[] futures = new Future[2];
                for (int w = 0; w < 2; w++) {
                    int worker = w;
                    futures[w] = pool.submit(() -> {
                        BiencoderTrainable t = new TinyBertBiencoderFactory(7, loss).create();
                        Batch b = new Batch(BiencoderFixtures.shard(worker, DATA,
                                BiencoderFixtures.range(3 * worker, 3 * worker + 3)), BiencoderFixtures.range(0, 3));
                        Trainable.StepResult r = t.computeGradient(b,
                                InMemoryCollective.contextFor(0, worker, 2, collective.worker(worker), b));
                        return new Object[]{r, t.gradient().toDoubleVector()};
                    });
                }
                double lossSum = 0;
                double weight = 0;
                double[] g2 = new double[g1.length];
                for (Future<Object[]> f : futures) {
                    Object[] o = f.get();
                    lossSum += ((Trainable.StepResult) o[0]).lossSum();
                    weight += ((Trainable.StepResult) o[0]).weight();
                    double[] g = (double[]) o[1];
                    for (int i = 0; i < g.length; i++) {
                        g2[i] += g[i];
                    }
                }
                assertEquals(r1.weight(), weight);
                assertEquals(r1.lossSum(), lossSum, 1e-10 * Math.abs(r1.lossSum()), loss.describe());
                double scale = 0;
                for (double x : g1) {
                    scale = Math.max(scale, Math.abs(x));
                }
                assertTrue(scale > 1e-3, loss.describe() + ": gradient scale " + scale);
                for (int i = 0; i < g1.length; i++) {
                    assertEquals(g1[i], g2[i], 1e-10 * scale, loss.describe() + ", gradient " + i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}

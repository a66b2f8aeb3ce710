package org.sparktrain.jobs.biencoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.Collective;
import org.sparktrain.engine.InMemoryCollective;
import org.sparktrain.engine.Shard;
import org.sparktrain.engine.StepContext;
import org.sparktrain.losses.retrieval.WorkerTriples;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The {@code minilm-head} bi-encoder step: columns of frozen unit embeddings, a residual head initialised to the
 * identity. At W = 0, c = 0 the step's loss equals the loss computed directly on the frozen embeddings (so training
 * starts from the base model); the reported gradient is the derivative of the reported loss sum over every head
 * parameter (central differences).
 */
class HeadBiencoderTrainableTest {
    private static final int D = 4;
    private static final int B = 5;

    /** B triples of random unit vectors (query, positive, negative), one float[B*D] per column. */
    private static float[][] columns(long seed) {
        Random rng = new Random(seed);
        float[][] cols = new float[3][B * D];
        for (float[] col : cols) {
            for (int r = 0; r < B; r++) {
                double norm = 0;
                double[] v = new double[D];
                for (int k = 0; k < D; k++) {
                    v[k] = rng.nextGaussian();
                    norm += v[k] * v[k];
                }
                for (int k = 0; k < D; k++) {
                    col[r * D + k] = (float) (v[k] / Math.sqrt(norm));
                }
            }
        }
        return cols;
    }

    private static Batch batch(float[][] cols) {
        long[] ids = {0, 1, 2, 3, 4};
        List<ColumnSpec> specs = BiencoderTraining.embeddingColumns(D);
        return new Batch(new Shard(0, ids, specs, cols), BiencoderFixtures.range(0, B));
    }

    @Test
    void identityHeadGivesTheLossOfTheFrozenEmbeddings() {
        float[][] cols = columns(3);
        for (BiencoderLossConfig loss : List.of(BiencoderLossConfig.adaptive(), BiencoderLossConfig.staticMargin(0.2),
                BiencoderLossConfig.infoNce())) {
            BiencoderTrainable t = new BiencoderTrainable(new HeadColumnEncoder(D), loss);
            assertEquals(D * D + D, t.numParams());
            Batch batch = batch(cols);
            double stepLoss = t.computeGradient(batch, InMemoryCollective.contextFor(0, 0, 1, Collective.single(),
                    batch)).lossSum() / B;
            INDArray q = matrix(cols[0]);
            double direct = loss.build().apply(new WorkerTriples(q, matrix(cols[1]), matrix(cols[2]), 0, q)).value();
            assertEquals(direct, stepLoss, 1e-6, loss.describe());
        }
    }

    @Test
    void gradientOfTheLossSumMatchesFiniteDifferences() {
        float[][] cols = columns(7);
        Random rng = new Random(11);
        double h = 1.0 / 1024;
        for (BiencoderLossConfig loss : List.of(BiencoderLossConfig.adaptive().withInBatchNegatives(true),
                BiencoderLossConfig.infoNce())) {
            BiencoderTrainable t = new BiencoderTrainable(new HeadColumnEncoder(D), loss);
            for (int i = 0; i < D * D + D; i++) {
                t.params().putScalar(0, i, (float) (0.25 * rng.nextGaussian()));
            }
            Batch batch = batch(cols);
            StepContext ctx = InMemoryCollective.contextFor(0, 0, 1, Collective.single(), batch);
            t.computeGradient(batch, ctx);
            float[] analytic = t.gradient().toFloatVector();
            for (int i = 0; i < D * D + D; i++) {
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

    private static INDArray matrix(float[] col) {
        return Nd4j.create(col, new long[]{B, D}, 'c').castTo(DataType.DOUBLE);
    }
}

package org.sparktrain.jobs.contrastive;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.Collective;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;
import org.sparktrain.losses.LossInputs;
import org.sparktrain.losses.contrastive.GammaSchedule;
import org.sparktrain.losses.contrastive.GclConfig;
import org.sparktrain.losses.contrastive.GclResult;
import org.sparktrain.losses.contrastive.GlobalContrastiveLoss;
import org.sparktrain.losses.contrastive.NtXentLoss;
import org.sparktrain.losses.contrastive.SampleState;
import org.sparktrain.losses.contrastive.TwoViewGradients;
import org.sparktrain.zoo.contrastive.ContrastiveEncoder;
import org.sparktrain.zoo.contrastive.ImageAugmentation;

import java.nio.ByteBuffer;

/**
 * One training step of SimCLR, SogCLR or iSogCLR on the engine, with negatives from every worker.
 *
 * <p>Per step, on each worker with its local batch of b records (ids i):
 * <ol>
 *   <li>two views A(x_i), A'(x_i) from {@link ImageAugmentation}, seeded by (seed, epoch, record id, view);</li>
 *   <li>forward through the {@link ContrastiveEncoder} (MLP, LeNet-style or ResNet): z¹, z² (b×P);</li>
 *   <li>all-gather of the projections (no gradient travels; the spec's DDP note "gather features with
 *       gradients" is realised by step 5), giving the global batch Z¹, Z² (G×P, worker order) and this worker's
 *       row offset;</li>
 *   <li>the loss on the global batch: simclr: {@link NtXentLoss} on all G (every worker computes the same value and
 *       gradient and keeps its rows); sogclr / isogclr: {@link GlobalContrastiveLoss#computeBlock} for this worker's
 *       anchors, with the u, b, τ, m of its own records read from and written back to the engine's per-record
 *       state (each record lives on exactly one worker, so no two workers write one record);</li>
 *   <li>sogclr / isogclr only: the gradient w.r.t. all G projections from this worker's anchors is all-gathered and
 *       summed in worker order, so each worker gets the full ∂L/∂z of its own rows (anchors of other workers use its
 *       rows as negatives);</li>
 *   <li>backward through the network with G·∂L/∂z (the engine wants the gradient of the loss <em>sum</em>; it
 *       divides by the summed weight G).</li>
 * </ol>
 * <b>Per-record weights</b> (training on a selection, docs/selection.md): with a weight column, record i's whole
 * anchor term (both views) is multiplied by c_i = s·w_i, s the constant scale R/n ({@code RecordWeights}); negatives
 * and the per-record state stay unweighted ({@link NtXentLoss}, {@link GlobalContrastiveLoss} say why). sogclr /
 * isogclr: each worker passes only its own anchors' factors to {@link GlobalContrastiveLoss#computeBlock} (its block),
 * and the summed gradients carry every worker's weights. simclr: every worker computes the whole NT-Xent, so the
 * factors are all-gathered with the projections (in worker order). Without a weight column no factors exist and the
 * step is exactly the unweighted one.
 *
 * <p>Reported loss: simclr the NT-Xent value, sogclr / isogclr the estimated global contrastive objective (times G
 * as a sum; weight b per worker). All workers must have equally many records per step (the job trims the data
 * to a multiple of the global batch, the spec's drop_last), because every step is a collective.
 */
final class ContrastiveTrainable implements Trainable {
    private final ContrastiveFactory factory;
    private final ContrastiveEncoder model;
    private final ImageAugmentation augmentation;
    private final INDArray gradient;
    private final NtXentLoss ntXent;
    private final GclConfig gcl;
    private final GammaSchedule gammaSchedule;
    private final String weightColumn;
    private final double weightScale;

    ContrastiveTrainable(ContrastiveFactory factory, ContrastiveEncoder model) {
        this.factory = factory;
        this.model = model;
        this.augmentation = factory.augmentation().build(factory.shape());
        this.gradient = Nd4j.zeros(DataType.FLOAT, 1, model.numParams());
        String method = factory.method();
        this.ntXent = TrainContrastiveConfig.SIMCLR.equals(method) ? new NtXentLoss(factory.loss().tau()) : null;
        this.gcl = ntXent != null ? null
                : factory.loss().gclConfig(TrainContrastiveConfig.ISOGCLR.equals(method));
        this.gammaSchedule = factory.loss().gammaSchedule();
        this.weightColumn = factory.weightColumn();
        this.weightScale = factory.weightScale();
    }

    @Override
    public long numParams() {
        return model.numParams();
    }

    @Override
    public INDArray params() {
        return model.params();
    }

    @Override
    public org.sparktrain.engine.optim.TensorLayout layout() {
        return org.sparktrain.engine.optim.TensorLayout.of(model.tensors(), model.numParams());
    }

    @Override
    public INDArray gradient() {
        return gradient;
    }

    ContrastiveEncoder model() {
        return model;
    }

    @Override
    public StepResult computeGradient(Batch batch, StepContext ctx) {
        int b = batch.size();
        int p = model.projectionSize();
        ContrastiveEncoder.Pass pass = model.forward(views(batch, ctx.epoch()));
        double[] local = pass.projection().castTo(DataType.DOUBLE).dup('c').data().asDouble(); // 2b×P
        Gathered all = gather(ctx.collective(), ctx.step(), local, b, p, ctx.worker());
        int g = all.rows;
        double[] factors = factors(batch);
        INDArray dz1;
        INDArray dz2;
        double lossSum;
        if (ntXent != null) {
            double[] global = factors == null ? null : gatherFactors(ctx.collective(), ctx.step(), factors, g);
            TwoViewGradients t = ntXent.compute(all.view1, all.view2, global);
            dz1 = LossInputs.rows(t.view1(), all.offset, b);
            dz2 = LossInputs.rows(t.view2(), all.offset, b);
            lossSum = t.value() * b;
        } else {
            GlobalContrastiveLoss loss = new GlobalContrastiveLoss(gcl.withGamma(gammaSchedule.at(ctx.epoch())));
            GclResult r = loss.computeBlock(all.view1, all.view2, all.offset, readState(ctx, b), factors);
            writeState(ctx, r.state());
            INDArray[] full = sumOverWorkers(ctx.collective(), ctx.step(), r.view1(), r.view2());
            dz1 = LossInputs.rows(full[0], all.offset, b);
            dz2 = LossInputs.rows(full[1], all.offset, b);
            lossSum = r.objective() * g;
        }
        model.backward(pass, Nd4j.vstack(dz1, dz2).muli(g), gradient);
        return new StepResult(lossSum, b);
    }

    /** c_i = s·w_i of the batch's records, or null without a weight column. */
    private double[] factors(Batch batch) {
        if (weightColumn == null) {
            return null;
        }
        float[] w = batch.rows(weightColumn);
        double[] c = new double[w.length];
        for (int r = 0; r < w.length; r++) {
            if (!(w[r] >= 0) || Float.isInfinite(w[r])) {
                throw new IllegalArgumentException("record " + batch.id(r) + ": " + weightColumn + " " + w[r]
                        + " is not a finite weight >= 0");
            }
            c[r] = weightScale * w[r];
        }
        return c;
    }

    /** Every worker's factors in worker order (the global batch's G anchors). */
    private static double[] gatherFactors(Collective collective, long step, double[] own, int g) {
        if (collective.workers() == 1) {
            return own;
        }
        double[] all = new double[g];
        int at = 0;
        for (byte[] part : collective.allGather(step, bytes(own))) {
            double[] v = doubles(part);
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        if (at != g) {
            throw new IllegalStateException("gathered " + at + " weights for a global batch of " + g);
        }
        return all;
    }

    /** The two views of the batch stacked: rows [0, b) view 0, rows [b, 2b) view 1. */
    private INDArray views(Batch batch, int epoch) {
        int b = batch.size();
        int d = factory.shape().size();
        float[] x = batch.rows(PreparedDataset.FEATURES);
        float[] out = new float[2 * b * d];
        float[] image = new float[d];
        for (int r = 0; r < b; r++) {
            System.arraycopy(x, r * d, image, 0, d);
            long id = batch.id(r);
            System.arraycopy(augmentation.view(image, factory.seed(), epoch, id, 0), 0, out, r * d, d);
            System.arraycopy(augmentation.view(image, factory.seed(), epoch, id, 1), 0, out, (b + r) * d, d);
        }
        return Nd4j.create(out, new long[]{2L * b, d}, 'c');
    }

    /** The global batch's projections per view (G×P, double) and this worker's first row in it. */
    private record Gathered(INDArray view1, INDArray view2, int offset, int rows) {
    }

    private static Gathered gather(Collective collective, long step, double[] local, int b, int p, int worker) {
        if (collective.workers() == 1) {
            INDArray z = Nd4j.createFromArray(local).reshape(2L * b, p);
            return new Gathered(LossInputs.rows(z, 0, b), LossInputs.rows(z, b, b), 0, b);
        }
        byte[][] parts = collective.allGather(step, bytes(local));
        int rows = 0;
        int offset = 0;
        for (int w = 0; w < parts.length; w++) {
            int bw = parts[w].length / Double.BYTES / (2 * p);
            if (w < worker) {
                offset += bw;
            }
            rows += bw;
        }
        double[] v1 = new double[rows * p];
        double[] v2 = new double[rows * p];
        int at = 0;
        for (byte[] part : parts) {
            double[] z = doubles(part);
            int bw = z.length / (2 * p);
            System.arraycopy(z, 0, v1, at * p, bw * p);
            System.arraycopy(z, bw * p, v2, at * p, bw * p);
            at += bw;
        }
        return new Gathered(Nd4j.createFromArray(v1).reshape(rows, p), Nd4j.createFromArray(v2).reshape(rows, p),
                offset, rows);
    }

    /** Σ over workers (in worker order) of each worker's gradient w.r.t. the global projections (G×P per view). */
    private static INDArray[] sumOverWorkers(Collective collective, long step, INDArray d1, INDArray d2) {
        if (collective.workers() == 1) {
            return new INDArray[]{d1, d2};
        }
        double[] own = Nd4j.vstack(d1, d2).dup('c').data().asDouble();
        byte[][] parts = collective.allGather(step, bytes(own));
        double[] sum = new double[own.length];
        for (byte[] part : parts) {
            double[] v = doubles(part);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i];
            }
        }
        INDArray s = Nd4j.createFromArray(sum).reshape(2 * d1.rows(), d1.columns());
        return new INDArray[]{LossInputs.rows(s, 0, d1.rows()), LossInputs.rows(s, d1.rows(), d1.rows())};
    }

    private static SampleState readState(StepContext ctx, int b) {
        float[] s = ctx.recordStateArray();
        double[][] rows = new double[b][SampleState.RECORD_WIDTH];
        for (int r = 0; r < b; r++) {
            int o = ctx.recordState(r);
            for (int k = 0; k < SampleState.RECORD_WIDTH; k++) {
                rows[r][k] = s[o + k];
            }
        }
        return SampleState.ofRecords(rows);
    }

    private static void writeState(StepContext ctx, SampleState next) {
        float[] s = ctx.recordStateArray();
        for (int r = 0; r < next.size(); r++) {
            int o = ctx.recordState(r);
            double[] rec = next.record(r);
            for (int k = 0; k < rec.length; k++) {
                s[o + k] = (float) rec[k];
            }
        }
    }

    private static byte[] bytes(double[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * Double.BYTES);
        buf.asDoubleBuffer().put(v);
        return buf.array();
    }

    private static double[] doubles(byte[] b) {
        double[] v = new double[b.length / Double.BYTES];
        ByteBuffer.wrap(b).asDoubleBuffer().get(v);
        return v;
    }
}

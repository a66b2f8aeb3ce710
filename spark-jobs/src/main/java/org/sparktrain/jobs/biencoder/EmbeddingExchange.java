package org.sparktrain.jobs.biencoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.Collective;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;

/**
 * The two in-step exchanges that give every worker the whole global batch of a bi-encoder step, on the engine's
 * {@link Collective}:
 * <ol>
 *   <li>{@link #gather}: an all-gather of each worker's (b_w x d) embedding blocks, concatenated in worker order, so
 *       worker w's block starts at global row offset_w = Σ_{v&lt;w} b_v (the global batch is the concatenation of
 *       the workers' local batches, exactly what one worker would see on the combined batch);</li>
 *   <li>{@link #sum}: the backward of that all-gather, an all-reduce (sum) of every worker's gradient w.r.t. the
 *       gathered (G x d) matrices, summed in worker order in double precision so every replica gets the same bits.</li>
 * </ol>
 * Payloads are doubles (the losses compute in double). Every worker must call both in the same order each step;
 * one worker skips the collective entirely.
 */
final class EmbeddingExchange {
    private final Collective collective;
    private final int worker;
    private final long tag;

    EmbeddingExchange(Collective collective, int worker, long tag) {
        this.collective = collective;
        this.worker = worker;
        this.tag = tag;
    }

    /** The gathered blocks: global matrices (G x d each, in the order given) and this worker's row offset. */
    record Gathered(INDArray[] global, int offset) {
    }

    /** All-gathers {@code local} matrices (each b x d, the same b and d) from every worker. */
    Gathered gather(INDArray... local) {
        if (collective.workers() == 1) {
            return new Gathered(local, 0);
        }
        int b = (int) local[0].rows();
        int d = (int) local[0].columns();
        ByteBuffer out = ByteBuffer.allocate(2 * Integer.BYTES + local.length * b * d * Double.BYTES);
        out.putInt(b).putInt(d);
        DoubleBuffer values = out.asDoubleBuffer();
        for (INDArray m : local) {
            values.put(m.dup('c').data().asDouble());
        }
        byte[][] parts = collective.allGather(tag, out.array());
        int[] sizes = new int[parts.length];
        int total = 0;
        int offset = 0;
        for (int w = 0; w < parts.length; w++) {
            ByteBuffer in = ByteBuffer.wrap(parts[w]);
            sizes[w] = in.getInt();
            if (in.getInt() != d || parts[w].length != 2 * Integer.BYTES + local.length * sizes[w] * d * Double.BYTES) {
                throw new IllegalStateException("worker " + w + " sent an embedding block of another shape");
            }
            if (w < worker) {
                offset += sizes[w];
            }
            total += sizes[w];
        }
        double[][] global = new double[local.length][total * d];
        int row = 0;
        for (int w = 0; w < parts.length; w++) {
            DoubleBuffer in = ByteBuffer.wrap(parts[w], 2 * Integer.BYTES, parts[w].length - 2 * Integer.BYTES)
                    .slice().asDoubleBuffer();
            for (int m = 0; m < local.length; m++) {
                in.get(global[m], row * d, sizes[w] * d);
            }
            row += sizes[w];
        }
        INDArray[] result = new INDArray[local.length];
        for (int m = 0; m < local.length; m++) {
            result[m] = Nd4j.create(global[m], new long[]{total, d}, 'c');
        }
        return new Gathered(result, offset);
    }

    /**
     * Sums same-shaped matrices over all workers, element-wise, in worker order. A null entry (a gradient the loss
     * did not produce; null on every worker, as all run the same loss) stays null.
     */
    INDArray[] sum(INDArray... mine) {
        if (collective.workers() == 1) {
            return mine;
        }
        int count = 0;
        for (INDArray m : mine) {
            count += m == null ? 0 : (int) m.length();
        }
        ByteBuffer out = ByteBuffer.allocate(count * Double.BYTES);
        DoubleBuffer values = out.asDoubleBuffer();
        for (INDArray m : mine) {
            if (m != null) {
                values.put(m.dup('c').data().asDouble());
            }
        }
        byte[][] parts = collective.allGather(tag, out.array());
        double[] total = new double[count];
        for (int w = 0; w < parts.length; w++) {
            if (parts[w].length != out.capacity()) {
                throw new IllegalStateException("worker " + w + " sent " + parts[w].length / Double.BYTES
                        + " gradient values, expected " + count);
            }
            DoubleBuffer in = ByteBuffer.wrap(parts[w]).asDoubleBuffer();
            for (int i = 0; i < count; i++) {
                total[i] += in.get(i);
            }
        }
        INDArray[] result = new INDArray[mine.length];
        int at = 0;
        for (int k = 0; k < mine.length; k++) {
            if (mine[k] != null) {
                int n = (int) mine[k].length();
                result[k] = Nd4j.create(java.util.Arrays.copyOfRange(total, at, at + n), mine[k].shape(), 'c');
                at += n;
            }
        }
        return result;
    }
}

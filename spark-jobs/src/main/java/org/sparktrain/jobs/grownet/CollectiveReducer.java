package org.sparktrain.jobs.grownet;

import org.sparktrain.engine.Collective;
import org.sparktrain.zoo.grownet.Reducer;

import java.nio.ByteBuffer;

/**
 * {@link Reducer} on the engine's {@link Collective}: synchronised BatchNorm statistics inside a training step.
 * Uses {@code allGather} of the raw doubles (not {@code allReduceSum}, whose results the driver reports as step
 * loss and example counts) and sums the gathered vectors in worker order in double precision, so every replica
 * gets bit-identical statistics.
 */
final class CollectiveReducer implements Reducer {
    private final Collective collective;
    private final long step;

    CollectiveReducer(Collective collective, long step) {
        this.collective = collective;
        this.step = step;
    }

    @Override
    public double[] sum(double[] local) {
        if (collective.workers() == 1) {
            return local.clone();
        }
        ByteBuffer out = ByteBuffer.allocate(local.length * Double.BYTES);
        out.asDoubleBuffer().put(local);
        byte[][] all = collective.allGather(step, out.array());
        double[] sum = new double[local.length];
        for (byte[] part : all) {
            java.nio.DoubleBuffer in = ByteBuffer.wrap(part).asDoubleBuffer();
            if (in.remaining() != local.length) {
                throw new IllegalStateException("workers sent BatchNorm statistics of different sizes ("
                        + in.remaining() + " vs " + local.length + ")");
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += in.get(i);
            }
        }
        return sum;
    }
}

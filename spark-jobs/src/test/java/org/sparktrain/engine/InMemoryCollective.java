package org.sparktrain.engine;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine's collective among threads of one JVM, for tests that run several workers' trainables side by side
 * without Spark: {@code allGather} publishes each worker's payload and returns all of them in worker order.
 * {@link #contextFor} builds the {@link StepContext} a worker would see in the engine.
 */
public final class InMemoryCollective {
    private final int workers;
    private final CyclicBarrier barrier;
    private final byte[][] slots;

    public InMemoryCollective(int workers) {
        this.workers = workers;
        this.barrier = new CyclicBarrier(workers);
        this.slots = new byte[workers][];
    }

    /** The collective as worker {@code w} sees it. */
    public Collective worker(int w) {
        return new Collective() {
            @Override
            public Reduced allReduceSum(long tag, float[] floats, double[] doubles) {
                throw new UnsupportedOperationException("not needed by these tests");
            }

            @Override
            public byte[][] allGather(long tag, byte[] payload) {
                slots[w] = payload.clone();
                await();
                byte[][] all = new byte[workers][];
                for (int i = 0; i < workers; i++) {
                    all[i] = slots[i].clone();
                }
                await();
                return all;
            }

            @Override
            public int workers() {
                return workers;
            }
        };
    }

    private void await() {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("in-memory collective failed", e);
        }
    }

    /** The step context of worker {@code w} of {@code workers} (no algorithm state) for a batch. */
    public static StepContext contextFor(long step, int w, int workers, Collective collective, Batch batch) {
        return new StepContext(step, 0, w, workers, new float[0], new double[0], null, 0, collective,
                batch.positions());
    }
}

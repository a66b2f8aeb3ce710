package org.sparktrain.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Releasing a run from two tasks of one executor at once closes each cached Trainable exactly once. */
class TrainableCacheTest {

    @Test
    void concurrentReleaseClosesEachTrainableOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            String run = "cache-test-" + round;
            List<AtomicInteger> closes = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                AtomicInteger count = new AtomicInteger();
                closes.add(count);
                TrainableCache.get(run, w, new CountingFactory(count));
            }
            CountDownLatch start = new CountDownLatch(1);
            Thread[] threads = new Thread[2];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    TrainableCache.release(run);
                });
                threads[t].start();
            }
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            for (int w = 0; w < closes.size(); w++) {
                assertEquals(1, closes.get(w).get(), "round " + round + ", worker " + w + " closed");
            }
        }
    }

    private record CountingFactory(AtomicInteger closes) implements TrainableFactory {
        @Override
        public Trainable create() {
            return new Trainable() {
                @Override
                public long numParams() {
                    return 0;
                }

                @Override
                public INDArray params() {
                    return null;
                }

                @Override
                public StepResult computeGradient(Batch batch, StepContext context) {
                    return StepResult.EMPTY;
                }

                @Override
                public INDArray gradient() {
                    return null;
                }

                @Override
                public void close() {
                    closes.incrementAndGet();
                    Thread.onSpinWait();
                }
            };
        }

        @Override
        public String cacheKey() {
            return "counting";
        }
    }
}

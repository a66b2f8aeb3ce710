package org.sparktrain.jobs.biencoder;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.Collective;
import org.sparktrain.engine.InMemoryCollective;
import org.sparktrain.zoo.bert.SameDiffBertEncoder;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Off-heap memory of the {@code minilm} step ({@link BertColumnEncoder}) on the tiny BERT: what SameDiff keeps between
 * steps must not grow with the number of steps.
 *
 * <p>What is measured: the bytes of the native arrays that SameDiff's sessions (forward graph and gradient function)
 * hold after a step, read from their memory managers. SameDiff 1.0.0-M2.1's default manager caches every released
 * intermediate array by exact shape (up to a quarter of javacpp's maxBytes per session), so with batches of a new
 * length or size at every step, as in training, that total grew with every step (the likely cause of the MiniLM
 * runs the kernel killed). javacpp's {@code Pointer.totalBytes()} does not see these arrays (ND4J allocates them natively; it stayed at
 * 256 bytes over 60 steps), and the process's resident size is too noisy on a model this small, hence the direct
 * reading.
 */
class BertColumnEncoderMemoryTest {
    static final float[][][] DATA = BiencoderFixtures.triples(6, 41);

    /** Bytes held by the memory managers of all sessions of both graphs of the model. */
    static long retainedBytes(SameDiffBertEncoder model) {
        long sum = 0;
        for (SameDiff graph : List.of(model.sameDiff(), model.sameDiff().getFunction("grad"))) {
            for (InferenceSession session : graph.getSessions().values()) {
                SessionMemMgr memory = session.getMmgr();
                if (memory instanceof ArrayCacheMemoryMgr cache) {
                    sum += cache.getCurrentCacheSize();
                }
            }
        }
        return sum;
    }

    static int sessions(SameDiffBertEncoder model) {
        return model.sameDiff().getSessions().size() + model.sameDiff().getFunction("grad").getSessions().size();
    }

    /** Step k trains on the first 1 + k triples, so every step brings new array shapes (batch size and length). */
    static void step(BiencoderTrainable t, int k) {
        Batch batch = new Batch(BiencoderFixtures.shard(0, DATA, BiencoderFixtures.range(0, 1 + k)),
                BiencoderFixtures.range(0, 1 + k));
        t.computeGradient(batch, InMemoryCollective.contextFor(k, 0, 1, Collective.single(), batch));
        t.params().subi(t.gradient().mul(1e-3));
    }

    /**
     * 6 steps of growing batches: the retained bytes after step 6 may exceed those after step 3 by at most 1 KB.
     * Before the fix they went from 93,408 to 287,472 bytes (tiny BERT, double: about 65 KB more per step); with it
     * they are 0 at every step.
     */
    @Test
    void offHeapBytesKeptBetweenStepsDoNotGrowWithTheSteps() {
        SameDiffBertEncoder model = new SameDiffBertEncoder(TinyBertBiencoderFactory.parameters(7));
        BiencoderTrainable t = new BiencoderTrainable(new BertColumnEncoder(model, 0), BiencoderLossConfig.adaptive());
        long[] retained = new long[DATA.length];
        for (int k = 0; k < DATA.length; k++) {
            step(t, k);
            retained[k] = retainedBytes(model);
        }
        long early = retained[2];
        long last = retained[DATA.length - 1];
        assertTrue(last <= early + 1024, "retained bytes grew from " + early + " after 3 steps to " + last
                + " after " + DATA.length);
    }

    /** A step on another thread (as Spark's task threads) leaves one session per graph, not one per thread seen. */
    @Test
    void sessionsOfFinishedThreadsAreDropped() throws Exception {
        SameDiffBertEncoder model = new SameDiffBertEncoder(TinyBertBiencoderFactory.parameters(7));
        BiencoderTrainable t = new BiencoderTrainable(new BertColumnEncoder(model, 0), BiencoderLossConfig.adaptive());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int k = 0; k < 2; k++) {
            int step = k;
            Thread thread = new Thread(() -> {
                try {
                    step(t, step);
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            thread.start();
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("step failed", failure.get());
        }
        assertEquals(2, sessions(model));
    }
}

package org.sparktrain.engine;

import java.util.SplittableRandom;

/**
 * Seeded mini-batch order. In epoch e, worker w visits its shard in a permutation drawn from
 * {@code SplittableRandom(mix(seed, e, w))} and takes consecutive slices of {@code localBatch} positions. Every
 * worker runs the same number of steps per epoch, {@code ceil(maxShardSize / localBatch)}; a shorter shard yields
 * smaller (possibly empty) last batches, which the engine weights by their size.
 *
 * <p>The same class is used by tests to replay exactly the batches the engine used.
 */
public final class EpochSampler {
    private EpochSampler() {
    }

    public static int stepsPerEpoch(int[] shardSizes, int localBatch) {
        int max = 0;
        for (int s : shardSizes) {
            max = Math.max(max, s);
        }
        return (max + localBatch - 1) / localBatch;
    }

    public static int[] permutation(long seed, int epoch, int worker, int n) {
        SplittableRandom rng = new SplittableRandom(mix(seed, epoch, worker));
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Positions of step {@code step} (0-based within the epoch) in a permutation. */
    public static int[] slice(int[] permutation, int step, int localBatch) {
        int from = Math.min(permutation.length, step * localBatch);
        int to = Math.min(permutation.length, from + localBatch);
        int[] out = new int[to - from];
        System.arraycopy(permutation, from, out, 0, out.length);
        return out;
    }

    static long mix(long seed, int epoch, int worker) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + worker * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

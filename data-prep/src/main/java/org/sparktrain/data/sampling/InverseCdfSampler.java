package org.sparktrain.data.sampling;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Exact i.i.d. sampling of m records with replacement, with probability p(x) = v(x) / Z, Z = Σ_y v(y), on a
 * distributed, id-sorted RDD of {@link ScoredRecord}s without collecting it.
 *
 * <p>Inverse-CDF method: lay the records' masses end to end on [0, Z) in partition order (then record order), draw
 * m uniforms u_1..u_m in [0, Z) on the driver from {@link SplittableRandom}(seed) and sort them; record x is drawn
 * once for each u that falls in its interval [c(x), c(x) + v(x)). Each partition gets the driver's partition
 * offsets and the sorted draws (a broadcast of m doubles) and walks its records once. Records of mass 0 are never
 * drawn. The result depends only on the masses in id order, m and the seed, not on the executors.
 */
public final class InverseCdfSampler {
    private InverseCdfSampler() {
    }

    /** Total mass and record count of each partition, in partition order. */
    public record PartitionMass(double[] mass, long[] count) {
        public double total() {
            double z = 0;
            for (double v : mass) {
                z += v;
            }
            return z;
        }

        /** offsets[i] = Σ_{j<i} mass[j]; offsets[P] = Z (summed in the same order as {@link #total()}). */
        double[] offsets() {
            double[] o = new double[mass.length + 1];
            for (int i = 0; i < mass.length; i++) {
                o[i + 1] = o[i] + mass[i];
            }
            return o;
        }
    }

    /** Computes each partition's total mass (one Spark job); {@code scored} should be persisted. */
    public static PartitionMass masses(JavaRDD<ScoredRecord> scored) {
        List<Tuple2<Integer, double[]>> parts = scored.mapPartitionsWithIndex((index, it) -> {
            double sum = 0;
            long n = 0;
            while (it.hasNext()) {
                sum += it.next().mass();
                n++;
            }
            return List.of(new Tuple2<>(index, new double[]{sum, n})).iterator();
        }, true).collect();
        int p = scored.getNumPartitions();
        double[] mass = new double[p];
        long[] count = new long[p];
        for (Tuple2<Integer, double[]> t : parts) {
            mass[t._1()] = t._2()[0];
            count[t._1()] = (long) t._2()[1];
        }
        return new PartitionMass(mass, count);
    }

    /** m sorted uniforms in [0, total) from {@code SplittableRandom(seed)}. */
    public static double[] draws(long m, double total, long seed) {
        if (m > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("m: " + m + " draws are more than this sampler holds in one array");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] u = new double[(int) m];
        for (int i = 0; i < u.length; i++) {
            u[i] = rng.nextDouble() * total;
        }
        Arrays.sort(u);
        return u;
    }

    /**
     * The drawn records with their multiplicities (only records drawn at least once), as (record, multiplicity).
     * Lazy: an RDD over {@code scored}.
     */
    public static JavaRDD<Tuple2<ScoredRecord, Integer>> sample(JavaRDD<ScoredRecord> scored, PartitionMass masses,
                                                                long m, long seed) {
        double total = masses.total();
        if (!(total > 0) || Double.isInfinite(total)) {
            throw new IllegalArgumentException("the total sampling mass is " + total + "; every record has v(x) = 0 "
                    + "(no model loss and every record sits on its cluster's representative): use fewer clusters, "
                    + "a model, or method uniform");
        }
        double[] offsets = masses.offsets();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(scored.context());
        Broadcast<double[]> u = jsc.broadcast(draws(m, total, seed));
        Broadcast<double[]> off = jsc.broadcast(offsets);
        return scored.mapPartitionsWithIndex((index, it) -> {
            double[] all = u.value();
            double[] o = off.value();
            int from = lowerBound(all, o[index]);
            int to = index == o.length - 2 ? all.length : lowerBound(all, o[index + 1]);
            double[] local = new double[to - from];
            for (int i = from; i < to; i++) {
                local[i - from] = all[i] - o[index];
            }
            return drawn(it, local);
        }, true);
    }

    /**
     * Assigns sorted local draws (offsets from this partition's start) to the records in order: record r takes the
     * draws in [c_r, c_r + v_r) where c_r is the sum of the masses before it. A draw at or past the last interval's
     * end (floating-point rounding at the partition edge) goes to the last record of positive mass.
     */
    static Iterator<Tuple2<ScoredRecord, Integer>> drawn(Iterator<ScoredRecord> records, double[] localDraws) {
        List<Tuple2<ScoredRecord, Integer>> out = new ArrayList<>();
        if (localDraws.length == 0) {
            return out.iterator();
        }
        int next = 0;
        double cumulative = 0;
        ScoredRecord lastPositive = null;
        int lastPositiveCount = 0;
        while (records.hasNext() && next < localDraws.length) {
            ScoredRecord r = records.next();
            if (!(r.mass() > 0)) {
                continue;
            }
            if (lastPositive != null && lastPositiveCount > 0) {
                out.add(new Tuple2<>(lastPositive, lastPositiveCount));
            }
            double end = cumulative + r.mass();
            int count = 0;
            while (next < localDraws.length && localDraws[next] < end) {
                count++;
                next++;
            }
            lastPositive = r;
            lastPositiveCount = count;
            cumulative = end;
        }
        if (lastPositive != null) {
            lastPositiveCount += localDraws.length - next; // rounding leftovers at the partition's end
            if (lastPositiveCount > 0) {
                out.add(new Tuple2<>(lastPositive, lastPositiveCount));
            }
        } else {
            throw new IllegalStateException(localDraws.length + " draws fell into a partition without mass");
        }
        return out.iterator();
    }

    /** Multiplicity of each record of {@code mass} (in order) under the sorted draws {@code u} in [0, Σ mass). */
    public static int[] multiplicities(double[] mass, double[] u) {
        List<ScoredRecord> records = new ArrayList<>();
        for (int i = 0; i < mass.length; i++) {
            records.add(new ScoredRecord(i, 0, 0, mass[i]));
        }
        int[] counts = new int[mass.length];
        drawn(records.iterator(), u).forEachRemaining(t -> counts[(int) t._1().id()] = t._2());
        return counts;
    }

    private static int lowerBound(double[] sorted, double key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}

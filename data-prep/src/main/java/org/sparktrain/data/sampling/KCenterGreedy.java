package org.sparktrain.data.sampling;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.PreparedDataset;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * k-center greedy, the core-set baseline of the {@code select} job (Sener and Savarese, "Active Learning for
 * Convolutional Neural Networks: A Core-Set Approach", ICLR 2018, arXiv:1708.00489; the farthest-first traversal of
 * Gonzalez, "Clustering to minimize the maximum intercluster distance", TCS 1985, a 2-approximation of the minimax
 * k-center radius). On the embeddings e_x of the n records ({@link RecordEmbedding}, the same as sensitivity
 * sampling's for the same settings):
 * <pre>
 * c_0      the record of rank r in id order, r = new SplittableRandom(seed).nextLong(n)   (uniform, seeded)
 * d(x)     min_{j &lt; i} ‖e_x − e_{c_j}‖                  Euclidean, computed as a sum of squares in double
 * c_i      argmax_{x not selected} d(x), ties by the smaller id               i = 1 .. m−1
 * A(x)     the first j with ‖e_x − e_{c_j}‖ = d(x) (ties keep the earlier center); A(c_j) = j
 * w(c_j)   |{x : A(x) = j}|, the size of c_j's Voronoi cell, so Σ_j w(c_j) = n
 * radius   max_x d(x) after the m-th center (0 when m = n)
 * </pre>
 * Σ_j w(c_j)·ℓ(c_j) / n is the k-center core-set estimate of the full-data mean loss (each record stands in for its
 * cell). It is deterministic given the seed and not an unbiased sample. The output rows carry weight = cell size,
 * multiplicity 1, probability = cell size / n and cluster = j, the center's order of selection (0 .. m−1).
 * <p>
 * Distributed without collecting the n embeddings: every partition becomes one {@link Block} (ids, embeddings, d(x)²
 * and A(x)), cached. Each of the m steps maps the blocks to new blocks updated with the one new center (a closure of
 * its embedding), caches them, unpersists the previous ones and reduces the partition-local (d², −id) argmax to the
 * driver. <b>Cost: one Spark job per selected record</b> (plus a sort of the ids for c_0 and one job for the cell
 * sizes), each an O(n·dim / partitions) pass over cached blocks; Spark's per-job scheduling overhead (milliseconds
 * to tens of milliseconds) dominates on small data. The lineage is truncated every {@value #CHECKPOINT_EVERY} steps
 * so that thousands of steps keep task sizes and the recursion depth bounded: with Spark's {@code checkpoint} when
 * the SparkContext has a checkpoint directory (survives a lost executor; Spark deletes the files only with
 * {@code spark.cleaner.referenceTracking.cleanCheckpoints=true}), else with {@code localCheckpoint} (executor
 * storage: losing an executor after step {@value #CHECKPOINT_EVERY} fails the selection).
 * Memory: the n embeddings in double plus two generations of d² and A(x) on the executors; m ids on the driver.
 */
public final class KCenterGreedy {
    /** Steps between two truncations of the blocks' lineage. */
    static final int CHECKPOINT_EVERY = 50;
    private static final Logger LOG = LoggerFactory.getLogger(KCenterGreedy.class);

    private KCenterGreedy() {
    }

    /**
     * The m centers in order of selection with their cell sizes, and the final covering radius.
     *
     * @param ids       c_0 .. c_{m−1}
     * @param cellSizes |{x : A(x) = j}| for every j; sums to n
     * @param radius    max_x d(x) after the last center
     * @param n         the number of records
     */
    public record Centers(long[] ids, long[] cellSizes, double radius, long n) implements Serializable {
    }

    /**
     * The selected rows (id, weight, multiplicity, probability, cluster) of {@code records} (id, features, label),
     * with the embedding of {@code s} ({@code embedding} = raw, pca or model, {@code s.normalize()}).
     *
     * @param m how many records to select, 1..n (checked by the caller)
     * @param n the number of records
     */
    public static Selection select(SparkSession spark, Dataset<Row> records, SelectionSettings s, String embedding,
                                   int featureSize, SelectionModel model, long m, long n) {
        Dataset<Row> embedded;
        try {
            embedded = RecordEmbedding.embed(records.select(PreparedDataset.ID, PreparedDataset.FEATURES,
                    PreparedDataset.LABEL), embedding, featureSize, s.pcaDimensions(), s.normalize(), model);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("selection." + e.getMessage(), e);
        }
        int parts = Math.max(embedded.rdd().getNumPartitions(), spark.sparkContext().defaultParallelism());
        if (embedded.rdd().getNumPartitions() < parts) {
            embedded = embedded.repartition(parts);
        }
        Centers c = centers(embedded, m, s.seed());
        List<Row> rows = new ArrayList<>(c.ids().length);
        for (int j = 0; j < c.ids().length; j++) {
            long size = c.cellSizes()[j];
            rows.add(RowFactory.create(c.ids()[j], (double) size, 1, (double) size / n, j));
        }
        return new Selection(spark.createDataFrame(rows, SensitivitySampling.DRAWN_SCHEMA), c);
    }

    /** The rows of {@link #select} and the centers they came from. */
    public record Selection(Dataset<Row> rows, Centers centers) {
    }

    /**
     * k-center greedy over the records of {@code embedded} (columns {@code id} and the MLlib vector column
     * {@value RecordEmbedding#EMBEDDING}), one block per partition of {@code embedded}.
     *
     * @param m    centers to select, 1..n
     * @param seed picks c_0
     */
    public static Centers centers(Dataset<Row> embedded, long m, long seed) {
        int idField = embedded.schema().fieldIndex(PreparedDataset.ID);
        int eField = embedded.schema().fieldIndex(RecordEmbedding.EMBEDDING);
        JavaRDD<Block> blocks = embedded.javaRDD().mapPartitions(it -> Block.of(it, idField, eField))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long n = blocks.map(b -> (long) b.ids.length).fold(0L, Long::sum);
            if (m < 1 || m > n) {
                throw new IllegalArgumentException("m: k-center greedy selects distinct records, so m = " + m
                        + " must be in 1..n = " + n);
            }
            long rank = new SplittableRandom(seed).nextLong(n);
            long firstId = blocks.flatMap(b -> new LongIterator(b.ids)).sortBy(id -> id, true,
                    blocks.getNumPartitions()).zipWithIndex().filter(t -> t._2() == rank).first()._1();
            Candidate next = blocks.map(b -> b.candidate(firstId)).fold(Candidate.NONE, Candidate::farther);
            int total = Math.toIntExact(m);
            boolean reliable = blocks.context().getCheckpointDir().isDefined();
            long[] order = new long[total];
            int logEvery = Math.max(1, total / 10);
            long start = System.nanoTime();
            for (int j = 0; j < total; j++) {
                order[j] = next.id;
                int index = j;
                long centerId = next.id;
                double[] center = next.embedding;
                JavaRDD<Block> updated = blocks.map(b -> b.withCenter(index, centerId, center))
                        .persist(StorageLevel.MEMORY_AND_DISK());
                if ((j + 1) % CHECKPOINT_EVERY == 0) {
                    if (reliable) {
                        updated.rdd().checkpoint();
                    } else {
                        updated.rdd().localCheckpoint();
                    }
                }
                next = updated.map(Block::farthest).fold(Candidate.NONE, Candidate::farther);
                blocks.unpersist(false);
                blocks = updated;
                if ((j + 1) % logEvery == 0 || j + 1 == total) {
                    LOG.info("k-center greedy: center {} of {} selected, covering radius {} ({} s)", j + 1, total,
                            Math.sqrt(Math.max(0, next.squaredDistance)), (System.nanoTime() - start) / 1e9);
                }
            }
            long[] sizes = blocks.map(b -> b.cellSizes(total)).reduce(KCenterGreedy::add);
            return new Centers(order, sizes, Math.sqrt(Math.max(0, next.squaredDistance)), n);
        } finally {
            blocks.unpersist(false);
        }
    }

    private static long[] add(long[] a, long[] b) {
        long[] s = new long[a.length];
        for (int j = 0; j < s.length; j++) {
            s[j] = a[j] + b[j];
        }
        return s;
    }

    /** ‖a − b‖², summed in index order. */
    static double squaredDistance(double[] x, int offset, double[] c) {
        double s = 0;
        for (int j = 0; j < c.length; j++) {
            double d = x[offset + j] - c[j];
            s += d * d;
        }
        return s;
    }

    /** A candidate for the next center: its d(x)², id and embedding; {@link #NONE} when there is none. */
    static final class Candidate implements Serializable {
        private static final long serialVersionUID = 1L;
        static final Candidate NONE = new Candidate(Double.NEGATIVE_INFINITY, Long.MAX_VALUE, null);
        private double squaredDistance;
        private long id;
        private double[] embedding;

        @SuppressWarnings("unused")
        private Candidate() {
            // for Kryo
        }

        Candidate(double squaredDistance, long id, double[] embedding) {
            this.squaredDistance = squaredDistance;
            this.id = id;
            this.embedding = embedding;
        }

        /** The larger d², ties by the smaller id. */
        static Candidate farther(Candidate a, Candidate b) {
            if (a.squaredDistance != b.squaredDistance) {
                return a.squaredDistance > b.squaredDistance ? a : b;
            }
            return a.id <= b.id ? a : b;
        }
    }

    /**
     * The records of one partition: ids, embeddings (row-major, {@code dim} per record), d(x)² (+∞ before the first
     * center), A(x) (−1 before the first center) and whether x is a center. {@link #withCenter} returns a new block
     * and shares the ids and embeddings, so a cached generation is never modified.
     */
    static final class Block implements Serializable {
        private static final long serialVersionUID = 1L;
        private long[] ids;
        private int dim;
        private double[] x;
        private double[] minSq;
        private int[] nearest;
        private boolean[] center;

        @SuppressWarnings("unused")
        private Block() {
            // for Kryo
        }

        private Block(long[] ids, int dim, double[] x, double[] minSq, int[] nearest, boolean[] center) {
            this.ids = ids;
            this.dim = dim;
            this.x = x;
            this.minSq = minSq;
            this.nearest = nearest;
            this.center = center;
        }

        /** One block of the rows of a partition, or none for an empty partition. */
        static Iterator<Block> of(Iterator<Row> it, int idField, int eField) {
            List<Long> ids = new ArrayList<>();
            List<double[]> es = new ArrayList<>();
            while (it.hasNext()) {
                Row r = it.next();
                long id = r.getLong(idField);
                double[] e = ((Vector) r.get(eField)).toArray();
                if (!es.isEmpty() && e.length != es.get(0).length) {
                    throw new IllegalStateException("record " + id + ": embedding of dimension " + e.length
                            + ", expected " + es.get(0).length);
                }
                for (double v : e) {
                    if (!Double.isFinite(v)) {
                        throw new BadInputException("record " + id + ": the embedding has a non-finite value " + v);
                    }
                }
                ids.add(id);
                es.add(e);
            }
            if (ids.isEmpty()) {
                return Collections.emptyIterator();
            }
            int n = ids.size();
            int dim = es.get(0).length;
            long[] idArray = new long[n];
            double[] x = new double[Math.multiplyExact(n, dim)];
            double[] minSq = new double[n];
            int[] nearest = new int[n];
            for (int i = 0; i < n; i++) {
                idArray[i] = ids.get(i);
                System.arraycopy(es.get(i), 0, x, i * dim, dim);
                minSq[i] = Double.POSITIVE_INFINITY;
                nearest[i] = -1;
            }
            return List.of(new Block(idArray, dim, x, minSq, nearest, new boolean[n])).iterator();
        }

        /** The record {@code id} as a candidate (d² = +∞), or {@link Candidate#NONE} when it is not in this block. */
        Candidate candidate(long id) {
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == id) {
                    return new Candidate(Double.POSITIVE_INFINITY, id, embedding(i));
                }
            }
            return Candidate.NONE;
        }

        private double[] embedding(int i) {
            double[] e = new double[dim];
            System.arraycopy(x, i * dim, e, 0, dim);
            return e;
        }

        /** This block after adding center number {@code index}: d² and A(x) where it is strictly nearer. */
        Block withCenter(int index, long centerId, double[] c) {
            double[] sq = minSq.clone();
            int[] a = nearest.clone();
            boolean[] isCenter = center.clone();
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == centerId) {
                    sq[i] = 0;
                    a[i] = index;
                    isCenter[i] = true;
                    continue;
                }
                double d = squaredDistance(x, i * dim, c);
                if (d < sq[i]) {
                    sq[i] = d;
                    a[i] = index;
                }
            }
            return new Block(ids, dim, x, sq, a, isCenter);
        }

        /** The record of largest d² that is not a center (ties: smaller id), or {@link Candidate#NONE}. */
        Candidate farthest() {
            int best = -1;
            for (int i = 0; i < ids.length; i++) {
                if (center[i]) {
                    continue;
                }
                if (best < 0 || minSq[i] > minSq[best] || (minSq[i] == minSq[best] && ids[i] < ids[best])) {
                    best = i;
                }
            }
            return best < 0 ? Candidate.NONE : new Candidate(minSq[best], ids[best], embedding(best));
        }

        /** How many records of this block have A(x) = j, for j = 0 .. m−1. */
        long[] cellSizes(int m) {
            long[] sizes = new long[m];
            for (int i = 0; i < ids.length; i++) {
                if (nearest[i] < 0) {
                    throw new IllegalStateException("record " + ids[i] + " has no nearest center");
                }
                sizes[nearest[i]]++;
            }
            return sizes;
        }
    }

    /** The ids of a block as an iterator of boxed longs (for the rank of c_0). */
    private static final class LongIterator implements Iterator<Long> {
        private final long[] values;
        private int next;

        LongIterator(long[] values) {
            this.values = values;
        }

        @Override
        public boolean hasNext() {
            return next < values.length;
        }

        @Override
        public Long next() {
            if (next >= values.length) {
                throw new java.util.NoSuchElementException();
            }
            return values[next++];
        }
    }
}

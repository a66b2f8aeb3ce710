package org.sparktrain.data.sampling;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.PreparedDataset;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The sampling mass v(x) of every record (Axiotis et al., "Data-Efficient Learning via Clustering-Based Sensitivity
 * Sampling: Foundation Models and Beyond", ICML 2024, arXiv:2402.17327; spec: shared/specs/sensitivity-sampling.md):
 * <pre>
 * E        = embed(all n records)                       {@link RecordEmbedding}
 * C, A     = k-means(E, k)                              Spark MLlib KMeans (k-means||, seeded); k = 1: the mean
 * rep_j    = argmin_{x in cluster j} ‖e_x − C_j‖        ties broken by the smaller id
 * L_j      = ℓ(model, rep_j)                            k loss evaluations on the driver; 0 without a model
 * v(x)     = L_A(x) + λ·‖e_x − e_rep_A(x)‖^z
 * </pre>
 * Options beyond the spec's procedure (see {@link SelectionSettings}): {@code labelAware} appends a scaled one-hot
 * label block to e_x so that clusters never mix classes (on by default when a model's loss depends on a class label,
 * {@link SelectionSettings#labelAwareFor}; the embedding name then ends in {@code +label}); {@code lambdaQuantile}
 * (by default q = 0.9 when a model's loss depends on a class label and λ is not set,
 * {@link SelectionSettings#resolvedFor}) calibrates
 * λ on a uniform sample so that L_A(x) + λ·dist^z upper-bounds ℓ(x) on a fraction q of it; {@code uniformMix} α
 * replaces v by (1 − α)·v + α·Z/n (Z = Σ v), i.e. p = (1 − α)·v/Z + α/n.
 * Without a model ℓ̂ ≡ 0 and v is pure D^z (distance-to-representative) sampling, the degenerate case named in the
 * spec's pitfalls; the representatives themselves then have mass 0. For {@link SelectionSettings#UNIFORM} every
 * record has mass 1. The result is an id-sorted, persisted RDD (unpersist it when done).
 *
 * @param scored     one {@link ScoredRecord} per record, sorted by id
 * @param clusters   per cluster: size, representative, its loss and the cluster's mass (empty for uniform)
 * @param kmeansCost Spark's k-means training cost Σ_x ‖e_x − C_A(x)‖² (0 for uniform)
 * @param embedding  the embedding used ({@code none} for uniform; with a {@code +label} suffix when label-aware)
 * @param lambda     the λ used (the configured one, or the calibrated one; 0 for uniform)
 */
public record SensitivityScores(JavaRDD<ScoredRecord> scored, List<ClusterSummary> clusters, double kmeansCost,
                                String embedding, double lambda) {
    /** Suffix of {@link #embedding()} when the one-hot label block was appended ({@code labelAware}). */
    public static final String LABEL_SUFFIX = "+label";

    /** Uniform scores: every record of {@code records} has mass 1. */
    public static SensitivityScores uniform(Dataset<Row> records) {
        int parts = Math.max(1, records.rdd().getNumPartitions());
        JavaRDD<ScoredRecord> scored = records.select(PreparedDataset.ID).javaRDD()
                .map(r -> new ScoredRecord(r.getLong(0), -1, 0, 1.0))
                .sortBy(ScoredRecord::id, true, parts).persist(StorageLevel.MEMORY_AND_DISK());
        return new SensitivityScores(scored, List.of(), 0, "none", 0);
    }

    /**
     * Sensitivity scores of {@code records} (id, features, label) in {@code k} clusters.
     *
     * @param numClasses the dataset's class count (for {@code labelAware}; 0 for regression)
     * @param model      the trained model for ℓ (and for the {@code model} embedding), or null
     */
    public static SensitivityScores compute(Dataset<Row> records, int k, SelectionSettings s, String embedding,
                                            int featureSize, int numClasses, SelectionModel model) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(records.sparkSession().sparkContext());
        s = s.resolvedFor(model != null, numClasses, k);
        boolean labelAware = s.labelAware();
        if (labelAware && numClasses < 1) {
            throw new BadInputException("selection.labelAware: needs a classification dataset (this one has no "
                    + "classes)");
        }
        if (labelAware && k < numClasses) {
            throw new BadInputException("selection.labelAware: k = " + k + " clusters cannot separate the "
                    + numClasses + " classes (k must be >= the class count)");
        }
        if (s.lambdaQuantile() != null && model == null) {
            throw new BadInputException("selection.lambdaQuantile: calibrating λ needs a model (set model to a run "
                    + "directory) or a fixed selection.lambda");
        }
        Dataset<Row> e = RecordEmbedding.embed(records.select(PreparedDataset.ID, PreparedDataset.FEATURES,
                PreparedDataset.LABEL), embedding, featureSize, s.pcaDimensions(), s.normalize(), model);
        if (labelAware) {
            e = RecordEmbedding.withLabelBlock(e, numClasses, SelectionSettings.LABEL_SEPARATION);
            embedding = embedding + LABEL_SUFFIX;
        }
        Dataset<Row> embedded = e.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            double cost;
            Vector[] centers;
            Dataset<Row> clustered;
            if (k == 1) {
                // Spark MLlib's KMeans refuses k = 1; its exact solution is the mean, with every record in cluster 0
                centers = new Vector[]{embedded.select(Summarizer.mean(col(RecordEmbedding.EMBEDDING)))
                        .first().getAs(0)};
                clustered = embedded.withColumn(SensitivitySampling.CLUSTER, lit(0));
                double[] mean = centers[0].toArray();
                cost = embedded.select(RecordEmbedding.EMBEDDING).javaRDD()
                        .map(r -> squaredDistance(((Vector) r.get(0)).toArray(), mean)).fold(0.0, Double::sum);
            } else {
                KMeansModel kmeans = new KMeans().setK(k).setSeed(s.seed()).setMaxIter(s.maxIterations())
                        .setFeaturesCol(RecordEmbedding.EMBEDDING).setPredictionCol(SensitivitySampling.CLUSTER)
                        .fit(embedded);
                cost = kmeans.summary().trainingCost();
                centers = kmeans.clusterCenters();
                clustered = kmeans.transform(embedded);
            }
            double[][] c = new double[centers.length][];
            for (int j = 0; j < c.length; j++) {
                c[j] = centers[j].toArray();
            }
            Dataset<Row> assigned = clustered.select(col(PreparedDataset.ID),
                    col(SensitivitySampling.CLUSTER), col(RecordEmbedding.EMBEDDING), col(PreparedDataset.FEATURES),
                    col(PreparedDataset.LABEL));

            // round each center to its nearest record: min over (squared distance, id) per cluster
            Broadcast<double[][]> centerB = jsc.broadcast(c);
            Map<Integer, Tuple2<Double, Long>> nearest = assigned.select(PreparedDataset.ID, SensitivitySampling.CLUSTER,
                    RecordEmbedding.EMBEDDING).javaRDD().mapToPair(r -> new Tuple2<>(r.getInt(1),
                    new Tuple2<>(squaredDistance(((Vector) r.get(2)).toArray(), centerB.value()[r.getInt(1)]),
                            r.getLong(0)))).reduceByKey(SensitivityScores::closer).collectAsMap();
            centerB.destroy();

            Object[] repIds = nearest.values().stream().map(Tuple2::_2).toArray();
            List<Row> reps = new ArrayList<>(assigned.filter(col(PreparedDataset.ID).isin(repIds)).collectAsList());
            reps.sort(Comparator.comparingInt(r -> r.getInt(1)));
            double[][] repEmbedding = new double[c.length][];
            double[] repLoss = new double[c.length];
            long[] repId = new long[c.length];
            double[] losses = representativeLosses(reps, model);
            for (int i = 0; i < reps.size(); i++) {
                Row r = reps.get(i);
                int j = r.getInt(1);
                repId[j] = r.getLong(0);
                repEmbedding[j] = ((Vector) r.get(2)).toArray();
                repLoss[j] = losses[i];
            }

            double z = s.z();
            double lambda = s.lambdaQuantile() == null ? s.lambda()
                    : calibratedLambda(assigned, repEmbedding, repLoss, s, model);
            Broadcast<double[][]> repB = jsc.broadcast(repEmbedding);
            Broadcast<double[]> lossB = jsc.broadcast(repLoss);
            int parts = Math.max(1, records.rdd().getNumPartitions());
            JavaRDD<ScoredRecord> scored = assigned.select(PreparedDataset.ID, SensitivitySampling.CLUSTER,
                    RecordEmbedding.EMBEDDING).javaRDD().map(r -> {
                int j = r.getInt(1);
                double sq = squaredDistance(((Vector) r.get(2)).toArray(), repB.value()[j]);
                double dz = z == 2.0 ? sq : Math.pow(Math.sqrt(sq), z);
                return new ScoredRecord(r.getLong(0), j, Math.sqrt(sq), lossB.value()[j] + lambda * dz);
            }).sortBy(ScoredRecord::id, true, parts).persist(StorageLevel.MEMORY_AND_DISK());
            if (s.uniformMix() > 0) {
                scored = mixWithUniform(scored, s.uniformMix());
            }

            Map<Integer, Tuple2<Long, Double>> perCluster = scored.mapToPair(r -> new Tuple2<>(r.cluster(),
                    new Tuple2<>(1L, r.mass()))).reduceByKey((a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2()))
                    .collectAsMap();
            List<ClusterSummary> clusters = new ArrayList<>();
            for (int j = 0; j < c.length; j++) {
                Tuple2<Long, Double> t = perCluster.get(j);
                if (t != null) {
                    clusters.add(new ClusterSummary(j, t._1(), repId[j], repLoss[j], t._2()));
                }
            }
            return new SensitivityScores(scored, List.copyOf(clusters), cost, embedding, lambda);
        } finally {
            embedded.unpersist();
        }
    }

    /**
     * λ calibrated on {@code s.calibrationSize()} records drawn uniformly without replacement (Spark's seeded
     * {@code takeSample}; only those records reach the driver): the q-quantile (the ⌈q·N⌉-th smallest) of
     * r(x) = (ℓ(x) − L_A(x)) / ‖e_x − e_rep_A(x)‖^z over the N calibration records with positive distance, floored at
     * 0. Then L_A(x) + λ·dist^z >= ℓ(x) holds for at least a fraction q of them.
     */
    static double calibratedLambda(Dataset<Row> assigned, double[][] repEmbedding, double[] repLoss,
                                   SelectionSettings s, SelectionModel model) {
        List<Row> sample = assigned.select(PreparedDataset.ID, SensitivitySampling.CLUSTER, RecordEmbedding.EMBEDDING,
                PreparedDataset.FEATURES, PreparedDataset.LABEL).javaRDD()
                .takeSample(false, s.calibrationSize(), s.seed());
        double[] loss = losses(sample, model);
        double[] ratios = new double[sample.size()];
        int count = 0;
        for (int i = 0; i < sample.size(); i++) {
            Row r = sample.get(i);
            int j = r.getInt(1);
            double d = Math.sqrt(squaredDistance(((Vector) r.get(2)).toArray(), repEmbedding[j]));
            if (d > 0) {
                ratios[count++] = (loss[i] - repLoss[j]) / Math.pow(d, s.z());
            }
        }
        return quantileLambda(java.util.Arrays.copyOf(ratios, count), s.lambdaQuantile());
    }

    /** The ⌈q·N⌉-th smallest of the N ratios, floored at 0; 0 when there are none. */
    static double quantileLambda(double[] ratios, double q) {
        if (ratios.length == 0) {
            return 0;
        }
        double[] sorted = ratios.clone();
        java.util.Arrays.sort(sorted);
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return Math.max(0, sorted[Math.max(0, Math.min(sorted.length - 1, index))]);
    }

    /** v → (1 − α)·v + α·Z/n, so that p = (1 − α)·v/Z + α/n; the total stays Z. */
    private static JavaRDD<ScoredRecord> mixWithUniform(JavaRDD<ScoredRecord> scored, double alpha) {
        double total = scored.map(ScoredRecord::mass).reduce(Double::sum);
        long n = scored.count();
        double floor = alpha * total / n;
        JavaRDD<ScoredRecord> mixed = scored.map(r -> new ScoredRecord(r.id(), r.cluster(), r.distance(),
                (1 - alpha) * r.mass() + floor)).persist(StorageLevel.MEMORY_AND_DISK());
        mixed.count();
        scored.unpersist(false);
        return mixed;
    }

    /** ℓ at the representatives (rows: id, cluster, embedding, features, label), 0 each without a model. */
    private static double[] representativeLosses(List<Row> reps, SelectionModel model) {
        if (model == null) {
            return new double[reps.size()];
        }
        return losses(reps, model);
    }

    /** The model's loss at rows (id, cluster, embedding, features, label), each checked finite and >= 0. */
    private static double[] losses(List<Row> reps, SelectionModel model) {
        float[][] x = new float[reps.size()][];
        double[] y = new double[reps.size()];
        long[] ids = new long[reps.size()];
        for (int i = 0; i < x.length; i++) {
            ids[i] = reps.get(i).getLong(0);
            x[i] = RecordEmbedding.features(reps.get(i), 3);
            y[i] = ((Number) reps.get(i).get(4)).doubleValue();
        }
        double[] l = model.losses(ids, x, y);
        if (l.length != x.length) {
            throw new IllegalStateException(model.description() + " gave " + l.length + " losses for " + x.length
                    + " records");
        }
        for (int i = 0; i < l.length; i++) {
            if (!(l[i] >= 0) || Double.isInfinite(l[i])) {
                throw new BadInputException("record " + reps.get(i).getLong(0) + ": "
                        + model.description() + " gives loss " + l[i] + " (must be finite and >= 0)");
            }
        }
        return l;
    }

    private static Tuple2<Double, Long> closer(Tuple2<Double, Long> a, Tuple2<Double, Long> b) {
        int cmp = Double.compare(a._1(), b._1());
        return cmp < 0 || (cmp == 0 && a._2() < b._2()) ? a : b;
    }

    static double squaredDistance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    /** Releases the persisted scores. */
    public void release() {
        scored.unpersist(false);
    }
}

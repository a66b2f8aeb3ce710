package org.sparktrain.jobs.biencoder;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.sampling.SensitivitySampling;
import org.sparktrain.retrieval.train.TrainingTriple;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A selection of training queries ({@code select} on a text-retrieval dataset) as {@code train-biencoder} uses it
 * ({@code data.selection}). The selection holds R distinct queries q drawn from the n training queries with a weight
 * w(q) = multiplicity/(m·p(q)), so Σ_{q∈S} w(q)·ℓ(q) estimates Σ_q ℓ(q) without bias. Training then uses the triples
 * of the selected queries only, the loss of each triple multiplied by (R/n)·w(q): the same scale as
 * {@code train-classifier}'s selection weights (mini-batches are drawn uniformly from the selected data, so the batch
 * loss estimates the full-data mean loss). With a varying number T_q of triples per query this is the per-query
 * analogue (exact when T_q is the same for every query). {@code data.weights: false} uses the selected queries
 * unweighted.
 *
 * @param weights     query id to (R/n)·w, or to 1 when unweighted
 * @param weighted    whether the triples carry weights
 * @param explanation one line for the console
 */
record SelectedQueries(Map<String, Double> weights, boolean weighted, String explanation) {
    /** Manifest properties that {@code select} records and that must match {@code data}. */
    private static final List<String> SPLIT_KEYS = List.of("splitSeed", "testQueries", "validationQueries");

    /**
     * Reads {@code data.selection} and checks it against this run: written from {@code data.dataset} with the same
     * query split, every selected query a training query of {@code splits}.
     */
    static SelectedQueries read(SparkSession spark, BiencoderDataConfig data, BiencoderTraining.Splits splits) {
        String path = data.selection();
        DatasetManifest m = PreparedDataset.readManifest(path, spark.sparkContext().hadoopConfiguration());
        Map<String, String> props = m.properties();
        if (!"training queries".equals(props.get("selection.records"))) {
            throw new BadInputException("data.selection: " + path + " is not a selection of training queries (run "
                    + "select on the text-retrieval dataset " + data.dataset() + ")");
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("splitSeed", Long.toString(data.splitSeed()));
        expected.put("testQueries", Integer.toString(data.testQueries()));
        expected.put("validationQueries", Integer.toString(data.validationQueries()));
        for (String k : SPLIT_KEYS) {
            String got = props.get("selection." + k);
            if (!expected.get(k).equals(got)) {
                throw new BadInputException("data.selection: " + path + " was drawn with data." + k + " = " + got
                        + " but this run has data." + k + " = " + expected.get(k) + " (the query splits must match)");
            }
        }
        Set<String> train = new HashSet<>(splits.train());
        List<Row> rows = spark.read().parquet(new org.apache.hadoop.fs.Path(path, PreparedDataset.TRAIN).toString())
                .select("queryId", SensitivitySampling.WEIGHT).collectAsList();
        long n = Long.parseLong(props.get(SensitivitySampling.POPULATION_SIZE));
        double scale = (double) rows.size() / n;
        Map<String, Double> weights = new LinkedHashMap<>();
        for (Row r : rows) {
            String q = r.getString(0);
            if (!train.contains(q)) {
                throw new BadInputException("data.selection: query " + q + " of " + path + " is not a training query "
                        + "of " + data.dataset() + " with this split");
            }
            weights.put(q, data.weights() ? scale * r.getDouble(1) : 1.0);
        }
        if (weights.isEmpty()) {
            throw new BadInputException("data.selection: " + path + " selects no query");
        }
        String how = data.weights() ? "weighted by (R/n)·w, R/n = " + rows.size() + "/" + n
                : "unweighted (data.weights is false)";
        return new SelectedQueries(weights, data.weights(), rows.size() + " selected training queries of " + n + ", "
                + how);
    }

    /** The splits with the training queries cut to the selected ones (in the splits' order). */
    BiencoderTraining.Splits restrict(BiencoderTraining.Splits s) {
        List<String> train = new ArrayList<>();
        for (String q : s.train()) {
            if (weights.containsKey(q)) {
                train.add(q);
            }
        }
        return new BiencoderTraining.Splits(train, s.validation(), s.test());
    }

    /**
     * The training frame with a {@value BiencoderTrainable#WEIGHT} column: row k of the frame is triple k of
     * {@link BiencoderTraining#shuffledWholeBatches} (the order every frame builder uses), its weight its query's.
     */
    Dataset<Row> weigh(Dataset<Row> frame, List<TrainingTriple> triples, int batchSize, long seed) {
        List<TrainingTriple> order = BiencoderTraining.shuffledWholeBatches(triples, batchSize, seed);
        double[] byRow = new double[order.size()];
        for (int k = 0; k < byRow.length; k++) {
            Double w = weights.get(order.get(k).queryId());
            if (w == null) {
                throw new IllegalStateException("triple of unselected query " + order.get(k).queryId());
            }
            byRow[k] = w;
        }
        // a column computed from the row id: the frame's rows, partitions and order stay as they are
        org.apache.spark.sql.expressions.UserDefinedFunction weightOf = org.apache.spark.sql.functions.udf(
                (org.apache.spark.sql.api.java.UDF1<Long, Double>) id -> byRow[(int) (long) id], DataTypes.DoubleType);
        return frame.withColumn(BiencoderTrainable.WEIGHT, weightOf.apply(frame.col("id")));
    }
}

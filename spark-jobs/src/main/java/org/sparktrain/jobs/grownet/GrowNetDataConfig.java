package org.sparktrain.jobs.grownet;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.sparktrain.config.Check;
import org.sparktrain.retrieval.eval.QuerySplit;

import java.util.List;

/**
 * Data of {@code train-grownet}: a FANN table (regression, binary), a prepared table dataset (regression, binary;
 * also a selection written by {@code sparktrain select}, trained with its record weights) or a prepared
 * text-retrieval dataset reranked with learning to rank (ranking).
 *
 * @param format            {@code fann} (FANN training-data files, e.g. Debian's libfann-doc datasets),
 *                          {@code prepared} (a prepared feature dataset, {@code sparktrain prepare} of a FANN / CSV /
 *                          LibSVM table: Parquet splits of id, features, label; docs/data-formats.md) or
 *                          {@code retrieval} (a prepared text-retrieval dataset, {@code sparktrain prepare} with e.g.
 *                          {@code source: cranfield}; only with {@code grownet.task: ranking}; {@link RerankingData});
 *                          default fann
 * @param train             fann: training file on any Hadoop path (required)
 * @param test              fann: test file, evaluated once with the chosen model (optional)
 * @param validationEvery   fann, prepared: records held out for validation (choice of the number of stages, early
 *                          stopping): fann every record whose index in the file has index mod n == 0, prepared every
 *                          record whose {@code id} has id mod n == 0 (ids are stable, so a selection holds out the
 *                          same records as its source); 0 = no validation; default 10
 * @param dataset           prepared: the prepared table dataset's directory, or a selection written by
 *                          {@code select} (a prepared dataset with a {@code weight} column; its test split is the
 *                          source's); retrieval: the prepared text-retrieval dataset's directory (required for both)
 * @param splitSeed         retrieval: seed of the query split; default 20261127 (docs/benchmarks-retrieval.md)
 * @param testQueries       retrieval: test queries; default 75
 * @param validationQueries retrieval: validation queries, taken from the rest by seed + 1; default 30
 * @param candidates        retrieval: BM25 candidates per query that GrowNet reranks; default 50
 * @param trainSplit        prepared: the split trained on; default {@code train}
 * @param testSplit         prepared: the split evaluated once with the chosen model; default {@code test} when the
 *                          dataset has one (else none); {@code none} skips the test
 * @param selection         prepared: optional selection written by {@code sparktrain select} from {@code dataset}'s
 *                          train split; its train split is trained on instead (with {@code weights}), validation
 *                          (id mod validationEvery == 0) and test read {@code dataset}, and the selection's own
 *                          held-out ids are left out of training. Not for formats fann and retrieval (prepare the
 *                          table first)
 * @param weights           prepared: use the training data's {@code weight} column (a selection's) as record weights
 *                          c_i = (R/n)·w_i ({@link org.sparktrain.jobs.RecordWeights}, {@link GrowNetParams#weightCol});
 *                          default true; false trains unweighted on the same records
 */
public record GrowNetDataConfig(String format, String train, String test, Integer validationEvery, String dataset,
                                Long splitSeed, Integer testQueries, Integer validationQueries, Integer candidates,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String trainSplit,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String testSplit,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String selection,
                                @JsonInclude(JsonInclude.Include.NON_NULL) Boolean weights)
        implements java.io.Serializable {
    /** The FANN / retrieval settings (no prepared-table keys). */
    public GrowNetDataConfig(String format, String train, String test, Integer validationEvery, String dataset,
                             Long splitSeed, Integer testQueries, Integer validationQueries, Integer candidates) {
        this(format, train, test, validationEvery, dataset, splitSeed, testQueries, validationQueries, candidates,
                null, null, null, null);
    }

    @com.fasterxml.jackson.annotation.JsonCreator // the canonical constructor binds the YAML
    public GrowNetDataConfig {
        format = Check.oneOf("format", format, "fann", List.of("fann", "prepared", "retrieval"));
        selection = selection == null || selection.isBlank() ? null : selection;
        if (!format.equals("prepared")) {
            if (selection != null) {
                throw new IllegalArgumentException("selection: format '" + format + "' does not read a selection: "
                        + (format.equals("fann") ? "a selection is a prepared table, so prepare the FANN file first "
                        + "(sparktrain prepare --set source=fann --set table.train=...), select from that prepared "
                        + "dataset, and train with data.format: prepared, data.dataset = the prepared table and "
                        + "data.selection = the selection (or the selection as data.dataset)"
                        : "learning to rank reranks the queries of a text-retrieval dataset, and a selection of its "
                        + "queries is not read by train-grownet (docs/selection.md)"));
            }
            String used = trainSplit != null ? "trainSplit" : testSplit != null ? "testSplit"
                    : weights != null ? "weights" : null;
            if (used != null) {
                throw new IllegalArgumentException(used + ": not used by format '" + format + "' (a key of format "
                        + "'prepared')");
            }
        }
        if (format.equals("fann")) {
            Check.required("train", train);
            List<String> unused = retrievalKeys(dataset, splitSeed, testQueries, validationQueries, candidates);
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException(unused.get(0) + ": not used by format 'fann' (a key of format "
                        + (unused.get(0).equals("dataset") ? "'prepared' or 'retrieval')" : "'retrieval')"));
            }
            validationEvery = validationEvery(validationEvery);
        } else if (format.equals("prepared")) {
            Check.required("dataset", dataset);
            if (train != null || test != null) {
                throw new IllegalArgumentException((train != null ? "train" : "test") + ": not used by format "
                        + "'prepared' (it reads data.dataset's splits: trainSplit, testSplit)");
            }
            List<String> unused = retrievalKeys(null, splitSeed, testQueries, validationQueries, candidates);
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException(unused.get(0) + ": not used by format 'prepared' (a key of format "
                        + "'retrieval')");
            }
            trainSplit = trainSplit == null || trainSplit.isBlank() ? "train" : trainSplit;
            testSplit = testSplit == null || testSplit.isBlank() ? null : testSplit;
            weights = weights == null || weights;
            validationEvery = validationEvery(validationEvery);
        } else {
            Check.required("dataset", dataset);
            if (train != null || test != null || validationEvery != null) {
                throw new IllegalArgumentException((train != null ? "train" : test != null ? "test" : "validationEvery")
                        + ": not used by format 'retrieval' (its splits are by query: testQueries, validationQueries)");
            }
            splitSeed = splitSeed == null ? QuerySplit.CRANFIELD_SEED : splitSeed;
            testQueries = Check.atLeast("testQueries", testQueries, QuerySplit.CRANFIELD_TEST_SIZE, 1);
            validationQueries = Check.atLeast("validationQueries", validationQueries, 30, 1);
            candidates = Check.atLeast("candidates", candidates, 50, 2);
        }
    }

    private static int validationEvery(Integer every) {
        int n = Check.atLeast("validationEvery", every, 10, 0);
        if (n == 1) {
            throw new IllegalArgumentException("validationEvery: 1 would hold out every record; use 0 or >= 2");
        }
        return n;
    }

    private static List<String> retrievalKeys(String dataset, Long splitSeed, Integer testQueries, Integer validationQueries,
                                       Integer candidates) {
        List<String> out = new java.util.ArrayList<>();
        if (dataset != null) {
            out.add("dataset");
        }
        if (splitSeed != null) {
            out.add("splitSeed");
        }
        if (testQueries != null) {
            out.add("testQueries");
        }
        if (validationQueries != null) {
            out.add("validationQueries");
        }
        if (candidates != null) {
            out.add("candidates");
        }
        return out;
    }

    public boolean retrieval() {
        return format.equals("retrieval");
    }

    public boolean prepared() {
        return format.equals("prepared");
    }

    /** prepared: the dataset whose train split is trained on: the selection when one is given. */
    public String trainDataset() {
        return selection != null ? selection : dataset;
    }
}

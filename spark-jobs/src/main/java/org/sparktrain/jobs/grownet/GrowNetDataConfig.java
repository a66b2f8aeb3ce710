package org.sparktrain.jobs.grownet;

import org.sparktrain.config.Check;
import org.sparktrain.retrieval.eval.QuerySplit;

import java.util.List;

/**
 * Data of {@code train-grownet}: a FANN table (regression, binary) or a prepared text-retrieval dataset reranked
 * with learning to rank (ranking).
 *
 * @param format            {@code fann} (FANN training-data files, e.g. Debian's libfann-doc datasets) or
 *                          {@code retrieval} (a prepared text-retrieval dataset, {@code sparktrain prepare} with e.g.
 *                          {@code source: cranfield}; only with {@code grownet.task: ranking}; {@link RerankingData});
 *                          default fann
 * @param train             fann: training file on any Hadoop path (required)
 * @param test              fann: test file, evaluated once with the chosen model (optional)
 * @param validationEvery   fann: every n-th record (index mod n == 0) of the training file is held out for
 *                          validation (choice of the number of stages, early stopping); 0 = no validation; default 10
 * @param dataset           retrieval: the prepared dataset's directory (required)
 * @param splitSeed         retrieval: seed of the query split; default 20261127 (docs/benchmarks-retrieval.md)
 * @param testQueries       retrieval: test queries; default 75
 * @param validationQueries retrieval: validation queries, taken from the rest by seed + 1; default 30
 * @param candidates        retrieval: BM25 candidates per query that GrowNet reranks; default 50
 * @param selection         not supported: a selection written by {@code sparktrain select} is refused with the reason
 *                          (docs/selection.md)
 */
public record GrowNetDataConfig(String format, String train, String test, Integer validationEvery, String dataset,
                                Long splitSeed, Integer testQueries, Integer validationQueries, Integer candidates,
                                @com.fasterxml.jackson.annotation.JsonInclude(
                                        com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                                String selection)
        implements java.io.Serializable {
    public GrowNetDataConfig {
        if (selection != null) {
            throw new IllegalArgumentException("selection: train-grownet does not train on a selection yet: it reads "
                    + "FANN files and text-retrieval datasets, not the prepared tables a selection is written as, and "
                    + "its stages, corrective step, initial score and BatchNorm statistics take no record weights "
                    + "(docs/selection.md); remove the key");
        }
        format = Check.oneOf("format", format, "fann", List.of("fann", "retrieval"));
        if (format.equals("fann")) {
            Check.required("train", train);
            List<String> unused = retrievalKeys(dataset, splitSeed, testQueries, validationQueries, candidates);
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException(unused.get(0) + ": not used by format 'fann' (a key of format "
                        + "'retrieval')");
            }
            validationEvery = Check.atLeast("validationEvery", validationEvery, 10, 0);
            if (validationEvery == 1) {
                throw new IllegalArgumentException("validationEvery: 1 would hold out every record; use 0 or >= 2");
            }
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
}

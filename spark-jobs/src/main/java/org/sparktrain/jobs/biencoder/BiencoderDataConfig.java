package org.sparktrain.jobs.biencoder;

import org.sparktrain.config.Check;
import org.sparktrain.retrieval.eval.QuerySplit;

/**
 * Training and evaluation data of {@code train-biencoder} (defaults here).
 *
 * @param dataset              path of a prepared text-retrieval dataset (corpus, queries, qrels; {@code prepare})
 * @param splitSeed            seed of the fixed query split ({@link QuerySplit}); default Cranfield's 20261127
 * @param testQueries          queries held out for the final evaluation; default 75 (Cranfield's split)
 * @param validationQueries    queries of the training part held out for model selection (the first ones of the
 *                             shuffled training list); default 0
 * @param minRelevance         least relevance that makes a judged document a positive (and relevant for the
 *                             binary metrics); default 1
 * @param bm25Depth            BM25 (Lucene) hits per query from which negatives are drawn, judged positives
 *                             excluded; default 100
 * @param negativesPerPositive triples per judged positive; default 4
 * @param mineSeed             seed of the negative draw and of the triple order; default 1
 * @param maxQueryLength       WordPiece tokens of a query, [CLS] and [SEP] included; default 32
 * @param maxDocumentLength    WordPiece tokens of a document (title + " " + text); default 256
 * @param triples              source of the training triples ({@link #TRIPLE_SOURCES}): {@code bm25} (default;
 *                             judged positives of the training queries, Lucene BM25 negatives), {@code model} (the
 *                             same positives, hard negatives from the initial model's exact top {@code bm25Depth},
 *                             judged positives excluded), {@code title-body} or {@code sentence-rest}
 *                             (self-supervised pairs from the corpus alone, no query or judgment used, BM25
 *                             negatives over the passages; see {@code SelfSupervisedPairs})
 * @param selection            optional path of a selection of training queries written by {@code select} on this
 *                             dataset ({@link SelectedQueries}): training uses only the selected queries' triples,
 *                             each weighted by (R/n)·w; its split settings must equal these
 * @param weights              with a selection: weight each triple's loss by its query's (R/n)·w (default true);
 *                             false trains unweighted on the selected queries
 * @param remineEvery          re-mine the hard negatives with the model being trained every this many epochs
 *                             (ANCE-style rounds, {@link Remining}); 0 (default) = never, the triples of
 *                             {@code triples} serve the whole run. Only with {@code bm25} or {@code model}: round 0
 *                             trains on those triples, every later round on negatives mined by exact search with the
 *                             parameters the previous round ended at (judged positives excluded, the same
 *                             {@code bm25Depth}, {@code negativesPerPositive} and {@code mineSeed})
 */
public record BiencoderDataConfig(String dataset, Long splitSeed, Integer testQueries, Integer validationQueries,
                                  Integer minRelevance, Integer bm25Depth, Integer negativesPerPositive, Long mineSeed,
                                  Integer maxQueryLength, Integer maxDocumentLength, String triples, String selection,
                                  Boolean weights, Integer remineEvery)
        implements java.io.Serializable {
    public static final java.util.List<String> TRIPLE_SOURCES = java.util.List.of("bm25", "model", "title-body",
            "sentence-rest");

    public BiencoderDataConfig {
        Check.required("dataset", dataset);
        splitSeed = splitSeed == null ? QuerySplit.CRANFIELD_SEED : splitSeed;
        testQueries = Check.atLeast("testQueries", testQueries, QuerySplit.CRANFIELD_TEST_SIZE, 0);
        validationQueries = Check.atLeast("validationQueries", validationQueries, 0, 0);
        minRelevance = Check.atLeast("minRelevance", minRelevance, 1, 1);
        bm25Depth = Check.atLeast("bm25Depth", bm25Depth, 100, 1);
        negativesPerPositive = Check.atLeast("negativesPerPositive", negativesPerPositive, 4, 1);
        mineSeed = mineSeed == null ? 1L : mineSeed;
        maxQueryLength = Check.atLeast("maxQueryLength", maxQueryLength, 32, 3);
        maxDocumentLength = Check.atLeast("maxDocumentLength", maxDocumentLength, 256, 3);
        triples = Check.oneOf("triples", triples, "bm25", TRIPLE_SOURCES);
        selection = selection == null || selection.isBlank() ? null : selection;
        weights = weights == null || weights;
        remineEvery = Check.atLeast("remineEvery", remineEvery, 0, 0);
        if (remineEvery > 0 && !triples.equals("bm25") && !triples.equals("model")) {
            throw new IllegalArgumentException("remineEvery: re-mining uses the judged training queries, so it needs "
                    + "triples: bm25 or model, but triples is " + triples + " (set remineEvery: 0)");
        }
    }

    /** Without a selection and without re-mining. */
    public BiencoderDataConfig(String dataset, Long splitSeed, Integer testQueries, Integer validationQueries,
                               Integer minRelevance, Integer bm25Depth, Integer negativesPerPositive, Long mineSeed,
                               Integer maxQueryLength, Integer maxDocumentLength, String triples) {
        this(dataset, splitSeed, testQueries, validationQueries, minRelevance, bm25Depth, negativesPerPositive,
                mineSeed, maxQueryLength, maxDocumentLength, triples, null, null, null);
    }

    /** Whether the negatives are re-mined during training ({@code remineEvery > 0}). */
    public boolean remines() {
        return remineEvery > 0;
    }

    /** The query sets that {@code search} and {@code evaluate-retrieval} can run ({@link BiencoderTraining#queryIds}). */
    public static final java.util.List<String> QUERY_SETS = java.util.List.of("test", "validation", "train", "all");

    /** {@code data} itself; an error naming {@code data:} when a job's config has none. */
    static BiencoderDataConfig require(BiencoderDataConfig data) {
        if (data == null) {
            throw new IllegalArgumentException("data: is required (data.dataset = path of a prepared text-retrieval "
                    + "dataset)");
        }
        return data;
    }

    public static BiencoderDataConfig of(String dataset) {
        return new BiencoderDataConfig(dataset, null, null, null, null, null, null, null, null, null, null, null, null,
                null);
    }

    public BiencoderDataConfig withValidationQueries(int n) {
        return new BiencoderDataConfig(dataset, splitSeed, testQueries, n, minRelevance, bm25Depth,
                negativesPerPositive, mineSeed, maxQueryLength, maxDocumentLength, triples, selection, weights,
                remineEvery);
    }

    /** The same settings with another triple source and no re-mining. */
    public BiencoderDataConfig withTriples(String source) {
        return new BiencoderDataConfig(dataset, splitSeed, testQueries, validationQueries, minRelevance, bm25Depth,
                negativesPerPositive, mineSeed, maxQueryLength, maxDocumentLength, source, selection, weights, 0);
    }

    public BiencoderDataConfig withRemineEvery(int epochs) {
        return new BiencoderDataConfig(dataset, splitSeed, testQueries, validationQueries, minRelevance, bm25Depth,
                negativesPerPositive, mineSeed, maxQueryLength, maxDocumentLength, triples, selection, weights, epochs);
    }
}

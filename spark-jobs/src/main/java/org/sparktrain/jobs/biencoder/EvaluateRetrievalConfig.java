package org.sparktrain.jobs.biencoder;

import org.sparktrain.config.Check;
import org.sparktrain.jobs.SparkConfig;


/**
 * Config of {@code sparktrain evaluate-retrieval}.
 *
 * @param model      directory of a saved encoder of any type (pooled, minilm, minilm-head) ({@code <run>/model} of {@code train-biencoder}); it is read
 *                   by the executors too, so on a cluster it must be on a file system they all see
 * @param data       the prepared collection and its query split (only {@code dataset}, {@code splitSeed},
 *                   {@code testQueries}, {@code validationQueries}, {@code minRelevance} are used)
 * @param queries    which queries to search: {@code test} (default), {@code validation}, {@code train} or {@code all}
 * @param k          documents per query in the run; default 100
 * @param partitions corpus partitions encoded and searched in parallel; default 2
 * @param out        directory for {@code <queries>.trec} and {@code <queries>-eval.json} (required)
 * @param spark      Spark settings
 */
public record EvaluateRetrievalConfig(String model, BiencoderDataConfig data, String queries, Integer k,
                                      Integer partitions, String out, SparkConfig spark)
        implements java.io.Serializable {
    public EvaluateRetrievalConfig {
        Check.required("model", model);
        BiencoderDataConfig.require(data);
        queries = Check.oneOf("queries", queries, "test", BiencoderDataConfig.QUERY_SETS);
        k = Check.atLeast("k", k, 100, 1);
        partitions = Check.atLeast("partitions", partitions, 2, 1);
        Check.required("out", out);
        spark = spark == null ? SparkConfig.defaults() : spark;
    }
}

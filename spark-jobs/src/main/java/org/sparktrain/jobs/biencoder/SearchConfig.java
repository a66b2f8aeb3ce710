package org.sparktrain.jobs.biencoder;

import org.sparktrain.config.Check;
import org.sparktrain.jobs.SparkConfig;


/**
 * Config of {@code sparktrain search}.
 *
 * @param model      the saved encoder (any type) that wrote {@code embeddings} (encodes the queries, on the driver)
 * @param embeddings corpus embeddings written by {@code encode} (required)
 * @param data       the prepared collection and its query split (as for {@code evaluate-retrieval})
 * @param queries    {@code test} (default), {@code validation}, {@code train} or {@code all}
 * @param k          documents per query; default 100
 * @param blockSize  corpus rows per matrix product in each partition; default 256
 * @param out        TREC run file to write (required)
 * @param spark      Spark settings
 */
public record SearchConfig(String model, String embeddings, BiencoderDataConfig data, String queries, Integer k,
                           Integer blockSize, String out, SparkConfig spark) implements java.io.Serializable {
    public SearchConfig {
        Check.required("model", model);
        Check.required("embeddings", embeddings);
        BiencoderDataConfig.require(data);
        queries = Check.oneOf("queries", queries, "test", BiencoderDataConfig.QUERY_SETS);
        k = Check.atLeast("k", k, 100, 1);
        blockSize = Check.atLeast("blockSize", blockSize, 256, 1);
        Check.required("out", out);
        spark = spark == null ? SparkConfig.defaults() : spark;
    }
}

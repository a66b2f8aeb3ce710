package org.sparktrain.jobs.biencoder;

import org.sparktrain.config.Check;
import org.sparktrain.jobs.SparkConfig;

/**
 * Config of {@code sparktrain encode}.
 *
 * @param model      directory of a saved encoder of any type (pooled, minilm, minilm-head) ({@code <run>/model} of {@code train-biencoder}); read by the
 *                   executors, so on a cluster it must be on a file system they all see
 * @param dataset    a prepared text-retrieval (or text-corpus) dataset; its {@code corpus} table is encoded
 * @param partitions partitions encoded in parallel; default 2
 * @param batchSize  texts per encoder call; default 64
 * @param out        output Parquet directory ({@link CorpusEmbeddings}; required, must not exist)
 * @param spark      Spark settings
 */
public record EncodeCorpusConfig(String model, String dataset, Integer partitions, Integer batchSize, String out,
                                 SparkConfig spark) implements java.io.Serializable {
    public EncodeCorpusConfig {
        Check.required("model", model);
        Check.required("dataset", dataset);
        partitions = Check.atLeast("partitions", partitions, 2, 1);
        batchSize = Check.atLeast("batchSize", batchSize, 64, 1);
        Check.required("out", out);
        spark = spark == null ? SparkConfig.defaults() : spark;
    }
}

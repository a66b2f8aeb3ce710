package org.sparktrain.jobs.select;

import org.sparktrain.config.Check;
import org.sparktrain.data.sampling.SelectionSettings;
import org.sparktrain.jobs.SparkConfig;
import org.sparktrain.jobs.biencoder.BiencoderDataConfig;

/**
 * Config of {@code sparktrain select} (example: deploy/configs/select-mnist.yaml; docs/selection.md).
 *
 * @param runId     label of this selection, recorded in Spark job descriptions; default {@code select}
 * @param data      the source prepared dataset ({@code data.dataset}); required
 * @param model     optional run directory of a finished {@code train-classifier} run (or its {@code model/}
 *                  directory): its loss is evaluated at the k cluster representatives and, with
 *                  {@code selection.embedding: model}, its penultimate layer embeds the records
 * @param selection the selection settings ({@code selection.m} or {@code selection.fraction} required)
 * @param output    where the selected dataset goes (a prepared dataset with weights), any Hadoop path; required
 * @param spark     Spark settings for runs outside spark-submit
 * @param minilm    text-retrieval datasets only: where the all-MiniLM-L6-v2 files come from (as train-biencoder's
 *                  {@code minilm}: null = the class path, else a jar or a directory)
 */
public record SelectConfig(String runId, Source data, String model, SelectionSettings selection, String output,
                           SparkConfig spark, String minilm) implements java.io.Serializable {
    public SelectConfig {
        runId = runId == null ? "select" : runId;
        if (data == null) {
            throw new IllegalArgumentException("data: is required (data.dataset = path of a prepared dataset)");
        }
        if (selection == null) {
            throw new IllegalArgumentException("selection: is required (at least selection.m or selection.fraction)");
        }
        model = model == null || model.isBlank() ? null : model;
        output = Check.required("output", output);
        spark = spark == null ? SparkConfig.defaults() : spark;
    }

    /**
     * The source. For a text-retrieval dataset the records are its training queries: the query split and the BM25
     * triples (for the loss) are those of {@code train-biencoder} with the same settings (defaults there,
     * {@link BiencoderDataConfig}); {@code train-biencoder} checks that a selection's split settings match its own.
     *
     * @param dataset path of the prepared dataset to select from (its train split, or its training queries); required
     */
    public record Source(String dataset, Long splitSeed, Integer testQueries, Integer validationQueries,
                         Integer minRelevance, Integer bm25Depth, Integer negativesPerPositive, Long mineSeed,
                         Integer maxQueryLength, Integer maxDocumentLength) implements java.io.Serializable {
        public Source {
            dataset = Check.required("dataset", dataset);
        }

        public Source(String dataset) {
            this(dataset, null, null, null, null, null, null, null, null, null);
        }

        /** The retrieval data settings (train-biencoder's {@code data}, BM25 triples) of a text source. */
        public BiencoderDataConfig retrieval() {
            return new BiencoderDataConfig(dataset, splitSeed, testQueries, validationQueries, minRelevance,
                    bm25Depth, negativesPerPositive, mineSeed, maxQueryLength, maxDocumentLength, null);
        }
    }
}

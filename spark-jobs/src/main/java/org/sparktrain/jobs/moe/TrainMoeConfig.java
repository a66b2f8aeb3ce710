package org.sparktrain.jobs.moe;

import org.sparktrain.config.Check;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.jobs.SparkConfig;
import org.sparktrain.jobs.classifier.DataConfig;

/**
 * Config of {@code sparktrain train-moe} (examples: deploy/configs/train-moe-mnist-*.yaml,
 * deploy/configs/train-moe-lm-cranfield.yaml).
 *
 * @param runId     run name; the run goes to {@code <output>/<runId>}; default {@code moe}
 * @param output    directory of runs on any Hadoop path; default {@code runs}
 * @param data      prepared dataset (required): images/table for the classifier, where the validation split gives
 *                  MaxVio_global and accuracy; a text dataset for {@code model.type: moe-lm} (only
 *                  {@code data.dataset} is used, the held-out documents are chosen by {@code text.validationEvery}).
 *                  The classifier also trains on a selection ({@code data.selection}, weighted loss unless
 *                  {@code data.weights: false}; docs/selection.md)
 * @param model     the MoE classifier or language model; defaults in {@link MoeModelConfig}
 * @param text      {@code moe-lm} only: corpus table, held-out documents, vocabulary; defaults in {@link TextConfig}
 * @param balancing load balancing; default loss-free, sign rule, u = 1e-3
 * @param engine    distributed training settings
 * @param optimizer update rule; default Schedule-Free AdamW at its own defaults (no learning rate to set or tune; at
 *                  defaults it beat Adam tuned over 5 learning rates on this model, docs/benchmarks-optimizers.md)
 * @param spark     Spark settings for runs outside spark-submit
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record TrainMoeConfig(String runId, String output, DataConfig data, MoeModelConfig model, TextConfig text,
                             BalancingConfig balancing, EngineConfig engine, OptimizerConfig optimizer,
                             SparkConfig spark) implements java.io.Serializable {
    public TrainMoeConfig {
        runId = runId == null ? "moe" : runId;
        output = output == null ? "runs" : output;
        if (data == null) {
            throw new IllegalArgumentException("data: is required (data.dataset = path of a prepared dataset)");
        }
        model = model == null ? MoeModelConfig.defaults() : model;
        if (data.selection() != null && model.languageModel()) {
            // refused rather than silently trained on the whole corpus
            throw new IllegalArgumentException("data.selection: model.type = " + MoeModelConfig.LANGUAGE_MODEL
                    + " trains on a text corpus, which a selection of labelled records cannot stand in for; remove "
                    + "the key (a selection is for the MoE classifier)");
        }
        if (model.languageModel()) {
            text = text == null ? TextConfig.defaults() : text;
        } else if (text != null) {
            throw new IllegalArgumentException("text: only for model.type = " + MoeModelConfig.LANGUAGE_MODEL
                    + " (the classifier reads data.trainSplit / data.validationSplit)");
        }
        balancing = balancing == null ? BalancingConfig.defaults() : balancing;
        engine = engine == null ? EngineConfig.defaults() : engine;
        optimizer = optimizer == null ? OptimizerConfig.defaults("schedule-free-adamw") : optimizer;
        spark = spark == null ? SparkConfig.defaults() : spark;
        Check.required("output", output);
    }
}

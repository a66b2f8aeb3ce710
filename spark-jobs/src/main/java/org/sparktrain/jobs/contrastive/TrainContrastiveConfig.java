package org.sparktrain.jobs.contrastive;

import org.sparktrain.config.Check;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.jobs.SparkConfig;

import java.util.List;

/**
 * Config of {@code sparktrain train-contrastive} (examples: deploy/configs/train-contrastive-*.yaml).
 *
 * @param runId        run name; the run goes to {@code <output>/<runId>}; default {@code contrastive}
 * @param output       directory of runs on any Hadoop path; default {@code runs}
 * @param method       {@code simclr} (NT-Xent, in-batch negatives, fixed τ), {@code sogclr} (global contrastive
 *                     loss, fixed τ, moving average u_i per record) or {@code isogclr} (per-record learned τ_i);
 *                     default {@code isogclr}
 * @param data         training data (required)
 * @param model        encoder and projection head
 * @param augmentation the two views
 * @param loss         temperatures and state-update settings
 * @param probe        linear-probe evaluation
 * @param engine       distributed training settings
 * @param optimizer    update rule; default {@code schedule-free-adamw} at its own defaults (no learning rate to
 *                     set): on iSogCLR it beat Adam tuned over 5 learning rates (docs/benchmarks-optimizers.md,
 *                     issue 9)
 * @param spark        Spark settings for runs outside spark-submit
 */
public record TrainContrastiveConfig(String runId, String output, String method, ContrastiveDataConfig data,
                                     ContrastiveModelConfig model, AugmentationConfig augmentation,
                                     ContrastiveLossConfig loss, ProbeConfig probe, EngineConfig engine,
                                     OptimizerConfig optimizer, SparkConfig spark) implements java.io.Serializable {
    public static final String SIMCLR = "simclr";
    public static final String SOGCLR = "sogclr";
    public static final String ISOGCLR = "isogclr";

    public TrainContrastiveConfig {
        runId = runId == null ? "contrastive" : runId;
        output = output == null ? "runs" : output;
        method = Check.oneOf("method", method, ISOGCLR, List.of(SIMCLR, SOGCLR, ISOGCLR));
        if (data == null) {
            throw new IllegalArgumentException("data: is required (data.dataset = path of a prepared dataset)");
        }
        model = model == null ? ContrastiveModelConfig.defaults() : model;
        augmentation = augmentation == null ? AugmentationConfig.defaults() : augmentation;
        loss = loss == null ? ContrastiveLossConfig.defaults() : loss;
        probe = probe == null ? ProbeConfig.defaults() : probe;
        engine = engine == null ? EngineConfig.defaults() : engine;
        optimizer = optimizer == null ? OptimizerConfig.defaults("schedule-free-adamw") : optimizer;
        spark = spark == null ? SparkConfig.defaults() : spark;
        Check.required("output", output);
    }
}

package org.sparktrain.jobs.classifier;

import org.sparktrain.config.Check;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.jobs.SparkConfig;
import org.sparktrain.zoo.ClassifierModelConfig;

/**
 * Config of {@code sparktrain train-classifier} (example: deploy/configs/train-classifier-mnist.yaml).
 *
 * @param runId     run name; the run goes to {@code <output>/<runId>}; default {@code classifier}
 * @param output    directory of runs on any Hadoop path; default {@code runs}
 * @param data      training data (required)
 * @param model     network from the model zoo; default LeNet-5
 * @param engine    distributed training settings
 * @param optimizer update rule; default Schedule-Free AdamW at its own defaults (no learning rate to set or tune;
 *                  at defaults it beat Adam tuned over 5 learning rates on Fashion-MNIST, docs/benchmarks.md); the
 *                  quickstart configs set their tuned Adam with cosine decay explicitly
 * @param spark     Spark settings for runs outside spark-submit
 */
public record TrainClassifierConfig(String runId, String output, DataConfig data, ClassifierModelConfig model,
                                    EngineConfig engine, OptimizerConfig optimizer, SparkConfig spark)
        implements java.io.Serializable {
    public TrainClassifierConfig {
        runId = runId == null ? "classifier" : runId;
        output = output == null ? "runs" : output;
        if (data == null) {
            throw new IllegalArgumentException("data: is required (data.dataset = path of a prepared dataset)");
        }
        model = model == null ? ClassifierModelConfig.defaults() : model;
        engine = engine == null ? EngineConfig.defaults() : engine;
        optimizer = optimizer == null ? OptimizerConfig.defaults("schedule-free-adamw") : optimizer;
        spark = spark == null ? org.sparktrain.jobs.SparkConfig.defaults() : spark;
        Check.required("output", output);
    }
}

package org.sparktrain.jobs.grownet;

import org.sparktrain.config.Check;
import org.sparktrain.jobs.SparkConfig;

/**
 * Config of {@code sparktrain train-grownet} (examples: deploy/configs/train-grownet-*.yaml).
 *
 * @param runId   run name; the run goes to {@code <output>/<runId>}; default {@code grownet}
 * @param output  directory of runs on any Hadoop path; default {@code runs}
 * @param data    training (and test) data (required)
 * @param grownet GrowNet settings ({@link GrowNetParams})
 * @param spark   Spark settings for runs outside spark-submit
 */
public record TrainGrowNetConfig(String runId, String output, GrowNetDataConfig data, GrowNetParams grownet,
                                 SparkConfig spark) implements java.io.Serializable {
    public TrainGrowNetConfig {
        runId = runId == null ? "grownet" : runId;
        output = output == null ? "runs" : output;
        if (data == null) {
            throw new IllegalArgumentException("data: is required (data.train = path of a FANN file)");
        }
        grownet = grownet == null ? GrowNetParams.defaults() : grownet;
        if (grownet.taskType() == org.sparktrain.zoo.grownet.GrowNetTask.RANKING) {
            throw new IllegalArgumentException("grownet.task: 'ranking' is not available in train-grownet (FANN "
                    + "tables carry no query ids); use the GrowNet API with a query column (docs/grownet.md)");
        }
        spark = spark == null ? SparkConfig.defaults() : spark;
        Check.required("output", output);
    }
}

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
            throw new IllegalArgumentException("data: is required (data.train = path of a FANN file, data.format: "
                    + "prepared with data.dataset = a prepared table, or data.format: retrieval with data.dataset for "
                    + "ranking)");
        }
        grownet = grownet == null ? GrowNetParams.defaults() : grownet;
        boolean ranking = grownet.taskType() == org.sparktrain.zoo.grownet.GrowNetTask.RANKING;
        if (ranking && !data.retrieval()) {
            throw new IllegalArgumentException("grownet.task: 'ranking' needs data.format: retrieval (a prepared "
                    + "text-retrieval dataset in data.dataset; FANN tables carry no query ids)");
        }
        if (!ranking && data.retrieval()) {
            throw new IllegalArgumentException("data.format: 'retrieval' is reranked with grownet.task: ranking, got "
                    + "task '" + grownet.task() + "'");
        }
        if (grownet.weightCol() != null) {
            throw new IllegalArgumentException("grownet.weightCol: train-grownet sets the record weights itself from "
                    + "the training data's weight column (data.format: prepared with a selection, data.weights); "
                    + "remove the key");
        }
        spark = spark == null ? SparkConfig.defaults() : spark;
        Check.required("output", output);
    }
}

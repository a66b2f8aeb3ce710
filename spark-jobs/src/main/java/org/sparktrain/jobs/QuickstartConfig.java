package org.sparktrain.jobs;

import org.sparktrain.jobs.classifier.TrainClassifierConfig;
import org.sparktrain.jobs.prepare.PrepareConfig;

/**
 * Config of {@code sparktrain quickstart} (deploy/configs/quickstart-mnist.yaml): prepare, train, evaluate.
 *
 * @param prepare       the data to fetch and prepare (required)
 * @param train         the training run; its {@code data.dataset} must be {@code prepare.output} (required)
 * @param evaluateSplit split the final model is evaluated on; default {@code test}
 */
public record QuickstartConfig(PrepareConfig prepare, TrainClassifierConfig train, String evaluateSplit)
        implements java.io.Serializable {
    public QuickstartConfig {
        if (prepare == null) {
            throw new IllegalArgumentException("prepare: is required");
        }
        if (train == null) {
            throw new IllegalArgumentException("train: is required");
        }
        if (!train.data().dataset().equals(prepare.output())) {
            throw new IllegalArgumentException("train.data.dataset: must be the prepared output '" + prepare.output()
                    + "', got '" + train.data().dataset() + "'");
        }
        evaluateSplit = evaluateSplit == null ? "test" : evaluateSplit;
    }
}

package org.sparktrain.jobs.classifier;

import org.sparktrain.config.Check;

/**
 * Which prepared dataset a classifier trains on.
 *
 * @param dataset         path of a prepared dataset (written by {@code sparktrain prepare}); required
 * @param trainSplit      split to train on; default {@code train}
 * @param validationSplit split evaluated after every epoch for the accuracy curve (monitoring only: nothing is
 *                        selected on it); default {@code test}; {@code none} to skip
 */
public record DataConfig(String dataset, String trainSplit, String validationSplit) implements java.io.Serializable {
    public DataConfig {
        dataset = Check.required("dataset", dataset);
        trainSplit = trainSplit == null ? "train" : trainSplit;
        validationSplit = validationSplit == null ? "test" : validationSplit;
    }

    public boolean hasValidation() {
        return !"none".equals(validationSplit);
    }
}

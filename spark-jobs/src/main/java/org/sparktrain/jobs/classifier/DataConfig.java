package org.sparktrain.jobs.classifier;

import org.sparktrain.config.Check;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetManifest;

/**
 * Which prepared dataset a classifier trains on.
 *
 * @param dataset         path of a prepared dataset (written by {@code sparktrain prepare}); required
 * @param trainSplit      split to train on; default {@code train}
 * @param validationSplit split evaluated after every epoch for the accuracy curve (monitoring only: nothing is
 *                        selected on it); default {@code test}; {@code none} to skip
 * @param selection       optional path of a selection written by {@code sparktrain select} from {@code dataset}:
 *                        training then reads its train split (with per-record weights), validation still reads
 *                        {@code dataset}. A selection is itself a prepared dataset, so it can also be given as
 *                        {@code dataset} directly
 * @param weights         use the per-record {@code weight} column when the training data has one (weighted loss,
 *                        docs/selection.md); default true; false trains unweighted on the same records
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record DataConfig(String dataset, String trainSplit, String validationSplit, String selection,
                         Boolean weights) implements java.io.Serializable {
    public DataConfig {
        dataset = Check.required("dataset", dataset);
        trainSplit = trainSplit == null ? "train" : trainSplit;
        validationSplit = validationSplit == null ? "test" : validationSplit;
        selection = selection == null || selection.isBlank() ? null : selection;
        weights = weights == null || weights;
    }

    public boolean hasValidation() {
        return !"none".equals(validationSplit);
    }

    /**
     * Checks that the training data (the selection's manifest) has the feature shape and class count of
     * {@code dataset} (the full dataset's manifest, validated on); the same manifest twice without a selection.
     */
    public void requireSelectionMatches(DatasetManifest train, DatasetManifest full) {
        if (!full.featureShape().equals(train.featureShape()) || full.numClasses() != train.numClasses()) {
            throw new BadInputException("data.selection: " + selection + " has feature shape " + train.featureShape()
                    + " and " + train.numClasses() + " classes, but data.dataset " + dataset + " has "
                    + full.featureShape() + " and " + full.numClasses());
        }
    }

    /** The dataset whose train split is trained on: the selection when one is given. */
    public String trainDataset() {
        return selection != null ? selection : dataset;
    }
}

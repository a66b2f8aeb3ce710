package org.sparktrain.jobs.contrastive;

import org.sparktrain.config.Check;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetManifest;

/**
 * Data of {@code train-contrastive}.
 *
 * @param dataset        path of a prepared image dataset ({@code sparktrain prepare}), or a selection written by
 *                       {@code sparktrain select} (then pre-training and the linear probe both use the selection's
 *                       train split, the probe is scored on its copied test split); required
 * @param trainSplit     split trained on (labels unused) and the linear probe's training data; default train
 * @param testSplit      split the linear probe is scored on; default test
 * @param imbalanceRatio 1 = use the train split as it is; r &gt; 1 = a long-tailed subset of it: class k (k = 0..K−1)
 *                       keeps n_k = round(n_0 · r^(−k/(K−1))) records (those with the smallest seeded hash of their
 *                       id), so the largest class has r times the records of the smallest; the test split stays as
 *                       it is; default 1. Must stay 1 on a selection (a long-tailed subset of a weighted sample
 *                       estimates nothing: its weights were drawn for the whole population)
 * @param maxPerClass    0 = every record of the train split; n &gt; 0 = at most n records per class (those with the
 *                       smallest seeded hash of their id), applied before the long tail (so n_0 = min(n, available_0));
 *                       a balanced subset of the size of a long-tailed one, for equal-compute comparisons; default 0.
 *                       Must stay 0 on a selection (as imbalanceRatio)
 * @param selection      optional path of a selection written by {@code sparktrain select} from {@code dataset}:
 *                       pre-training then reads its train split (with per-record weights, docs/selection.md), while
 *                       the linear probe trains on {@code dataset}'s full train split and is scored on its test split
 *                       (the probe measures the representation, so it uses all labelled training data, unweighted)
 * @param weights        use the selection's per-record {@code weight} column when the training data has one: each
 *                       anchor's whole contrastive term × (R/n)·w ({@code org.sparktrain.jobs.RecordWeights});
 *                       default true; false trains unweighted on the same records
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record ContrastiveDataConfig(String dataset, String trainSplit, String testSplit, Double imbalanceRatio,
                                    Integer maxPerClass, String selection, Boolean weights)
        implements java.io.Serializable {
    public ContrastiveDataConfig {
        dataset = Check.required("dataset", dataset);
        trainSplit = trainSplit == null ? "train" : trainSplit;
        testSplit = testSplit == null ? "test" : testSplit;
        imbalanceRatio = Check.inRange("imbalanceRatio", imbalanceRatio, 1.0, 1.0, 1e6);
        maxPerClass = Check.atLeast("maxPerClass", maxPerClass, 0, 0);
        selection = selection == null || selection.isBlank() ? null : selection;
        weights = weights == null || weights;
        if (selection != null) {
            requireWholeSelection("", imbalanceRatio, maxPerClass);
        }
    }

    /** The dataset whose train split is pre-trained on: the selection when one is given. */
    public String trainDataset() {
        return selection != null ? selection : dataset;
    }

    /**
     * Fails naming the key when a long-tail or per-class cap is set together with a selection ({@code prefix} is
     * "" for the config record's own keys, "data." for the job).
     */
    void requireWholeSelection(String prefix) {
        requireWholeSelection(prefix, imbalanceRatio, maxPerClass);
    }

    private static void requireWholeSelection(String prefix, double imbalanceRatio, int maxPerClass) {
        String why = " must stay at its default on a selection: a long-tailed or per-class-capped subset of a weighted"
                + " sample is not meaningful (its weights were drawn for the whole population); select from a"
                + " long-tailed dataset instead";
        if (imbalanceRatio != 1.0) {
            throw new IllegalArgumentException(prefix + "imbalanceRatio: " + imbalanceRatio + why + " (default 1)");
        }
        if (maxPerClass != 0) {
            throw new IllegalArgumentException(prefix + "maxPerClass: " + maxPerClass + why + " (default 0)");
        }
    }

    /** The selection's manifest must have the feature shape and class count of {@code dataset}'s. */
    void requireSelectionMatches(DatasetManifest train, DatasetManifest full) {
        if (!full.featureShape().equals(train.featureShape()) || full.numClasses() != train.numClasses()) {
            throw new BadInputException("data.selection: " + selection + " has feature shape " + train.featureShape()
                    + " and " + train.numClasses() + " classes, but data.dataset " + dataset + " has "
                    + full.featureShape() + " and " + full.numClasses());
        }
    }
}

package org.sparktrain.jobs.contrastive;

import org.sparktrain.config.Check;

/**
 * Data of {@code train-contrastive}.
 *
 * @param dataset        path of a prepared image dataset ({@code sparktrain prepare}); required
 * @param trainSplit     split trained on (labels unused) and the linear probe's training data; default train
 * @param testSplit      split the linear probe is scored on; default test
 * @param imbalanceRatio 1 = use the train split as it is; r &gt; 1 = a long-tailed subset of it: class k (k = 0..K−1)
 *                       keeps n_k = round(n_0 · r^(−k/(K−1))) records (those with the smallest seeded hash of their
 *                       id), so the largest class has r times the records of the smallest; the test split stays as
 *                       it is; default 1
 * @param maxPerClass    0 = every record of the train split; n &gt; 0 = at most n records per class (those with the
 *                       smallest seeded hash of their id), applied before the long tail (so n_0 = min(n, available_0));
 *                       a balanced subset of the size of a long-tailed one, for equal-compute comparisons; default 0
 * @param selection      not supported: a selection written by {@code sparktrain select} is refused with the reason
 *                       (docs/selection.md): weighting an anchor's contrastive term by (R/n)·w also reweights its
 *                       negatives' gradients inside the hand-written NT-Xent / global contrastive losses, which do
 *                       not take per-anchor weights yet; a selection given as {@code dataset} is refused by the job
 */
public record ContrastiveDataConfig(String dataset, String trainSplit, String testSplit, Double imbalanceRatio,
                                    Integer maxPerClass,
                                    @com.fasterxml.jackson.annotation.JsonInclude(
                                            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                                    String selection)
        implements java.io.Serializable {
    public ContrastiveDataConfig {
        dataset = Check.required("dataset", dataset);
        trainSplit = trainSplit == null ? "train" : trainSplit;
        testSplit = testSplit == null ? "test" : testSplit;
        imbalanceRatio = Check.inRange("imbalanceRatio", imbalanceRatio, 1.0, 1.0, 1e6);
        maxPerClass = Check.atLeast("maxPerClass", maxPerClass, 0, 0);
        if (selection != null) {
            throw new IllegalArgumentException("selection: " + ContrastiveDataConfig.NO_SELECTION + "; remove the key");
        }
    }

    /** Why train-contrastive refuses a selection (config key and a selection given as the dataset). */
    static final String NO_SELECTION = "train-contrastive does not train on a selection yet: the selection weight "
            + "of an anchor would have to multiply its whole contrastive term, negatives included, and the NT-Xent / "
            + "global contrastive losses take no per-anchor weights (docs/selection.md)";
}

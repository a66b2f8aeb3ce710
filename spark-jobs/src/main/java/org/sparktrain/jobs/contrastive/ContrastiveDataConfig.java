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
 */
public record ContrastiveDataConfig(String dataset, String trainSplit, String testSplit, Double imbalanceRatio)
        implements java.io.Serializable {
    public ContrastiveDataConfig {
        dataset = Check.required("dataset", dataset);
        trainSplit = trainSplit == null ? "train" : trainSplit;
        testSplit = testSplit == null ? "test" : testSplit;
        imbalanceRatio = Check.inRange("imbalanceRatio", imbalanceRatio, 1.0, 1.0, 1e6);
    }
}

package org.sparktrain.jobs.grownet;

import org.apache.hadoop.conf.Configuration;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.sampling.SensitivitySampling;
import org.sparktrain.zoo.grownet.GrowNetTask;

/**
 * Checks, before anything is trained, that {@code train-grownet}'s {@code data.format: prepared} datasets fit the
 * task: a feature dataset (id, features, label; not a text dataset), a regression table ({@value
 * DatasetManifest#TABLE_REGRESSION}) for {@code regression}, exactly 2 classes for {@code binary}; a selection
 * ({@code data.selection}) with the dataset's kind, feature shape and classes; the configured splits present. Every
 * failure names the config key.
 *
 * @param trainManifest the manifest of the dataset trained on (the selection's when there is one)
 * @param testSplit     the test split read from {@code data.dataset}, or null for none
 */
record PreparedTables(DatasetManifest trainManifest, String testSplit) {
    /** The column GrowNet reads the record weights c_i = (R/n)·w_i from. */
    static final String RECORD_WEIGHT = "recordWeight";

    static PreparedTables check(TrainGrowNetConfig cfg, Configuration conf) {
        GrowNetDataConfig d = cfg.data();
        DatasetManifest full = PreparedDataset.readManifest(d.dataset(), conf);
        requireTask(full, "data.dataset", d.dataset(), cfg.grownet().taskType());
        DatasetManifest train = full;
        if (d.selection() != null) {
            train = PreparedDataset.readManifest(d.selection(), conf);
            if (!train.kind().equals(full.kind()) || !java.util.Objects.equals(train.featureShape(), full.featureShape())
                    || train.numClasses() != full.numClasses()) {
                throw new BadInputException("data.selection: " + d.selection() + " (kind " + train.kind()
                        + ", features " + train.featureShape() + ", " + train.numClasses() + " classes) is not a "
                        + "selection of data.dataset " + d.dataset() + " (kind " + full.kind() + ", features "
                        + full.featureShape() + ", " + full.numClasses() + " classes)");
            }
            if (d.validationEvery() > 0) {
                full.requireSplit("data.trainSplit", d.dataset(), d.trainSplit());
            }
        }
        train.requireSplit("data.trainSplit", d.trainDataset(), d.trainSplit());
        if (d.weights() && train.properties().containsKey(SensitivitySampling.POPULATION_SIZE)
                && cfg.grownet().featureScaling().equals("quantile")) {
            throw new BadInputException("grownet.featureScaling: 'quantile' takes no record weights (its knots "
                    + "are unweighted quantiles) and " + d.trainDataset() + " is a weighted selection; use "
                    + "featureScaling: standard, or data.weights: false");
        }
        String test = d.testSplit();
        if (test == null) {
            test = full.splits().containsKey(PreparedDataset.TEST) ? PreparedDataset.TEST : null;
        } else if (test.equals("none")) {
            test = null;
        } else {
            full.requireSplit("data.testSplit", d.dataset(), test);
        }
        return new PreparedTables(train, test);
    }

    private static void requireTask(DatasetManifest m, String key, String path, GrowNetTask task) {
        if (m.featureShape() == null || m.splits().isEmpty()) {
            throw new BadInputException(key + ": " + path + " is a " + m.kind() + " dataset without feature splits; "
                    + "data.format: prepared trains on a prepared table (sparktrain prepare of a FANN, CSV or "
                    + "LibSVM file: id, features, label)");
        }
        if (task == GrowNetTask.BINARY && m.numClasses() != 2) {
            throw new BadInputException("grownet.task: 'binary' needs a dataset with 2 classes, but " + key + " "
                    + path + " (kind " + m.kind() + ") has " + (m.isRegression() ? "real-valued labels"
                    : m.numClasses() + " classes") + (m.isRegression() ? " (use grownet.task: regression)" : ""));
        }
        if (task == GrowNetTask.REGRESSION && !m.isRegression()) {
            throw new BadInputException("grownet.task: 'regression' needs real-valued labels (kind "
                    + DatasetManifest.TABLE_REGRESSION + "), but " + key + " " + path + " is kind " + m.kind()
                    + " with " + m.numClasses() + " classes" + (m.numClasses() == 2 ? " (use grownet.task: binary)"
                    : " (GrowNet's tasks are regression, binary and ranking)"));
        }
    }
}

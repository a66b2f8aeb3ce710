package org.sparktrain.jobs.contrastive;

import org.sparktrain.config.Check;

import java.util.List;

/**
 * The linear probe on frozen features: Spark MLlib's multinomial logistic regression (L-BFGS) on the encoder's
 * representation (projection head removed) of the training data, scored on the test split.
 *
 * <p>Which labelled records the probe trains on ({@code trainData}):
 * <ul>
 *   <li>{@code auto} (default): the pre-training records, except with {@code data.selection} next to the full
 *       dataset, where it is the full dataset's train split (the probe measures the representation, so it uses all
 *       labelled training data);</li>
 *   <li>{@code pretraining}: the records pre-training used (after {@code imbalanceRatio}, {@code maxPerClass}, the
 *       batch trim, or the selection);</li>
 *   <li>{@code full}: {@code data.dataset}'s whole train split, before any subset; on a long-tailed pre-training set
 *       this separates the representation's quality from the class bias a probe fitted on long-tailed labels
 *       learns (the protocol of SSL-under-imbalance studies: pre-train long-tailed, probe balanced);</li>
 *   <li>{@code both}: the pre-training probe is the main result, and a second probe on the full train split is
 *       reported beside it ({@code fullTrainProbe} in eval.json), from the same encoder.</li>
 * </ul>
 *
 * @param maxIterations L-BFGS iterations; default 100
 * @param regParam      L2 regularisation; default 1e-4
 * @param trainData     auto | pretraining | full | both; default auto
 */
public record ProbeConfig(Integer maxIterations, Double regParam, String trainData) implements java.io.Serializable {
    public static final String AUTO = "auto";
    public static final String PRETRAINING = "pretraining";
    public static final String FULL = "full";
    public static final String BOTH = "both";

    public ProbeConfig {
        maxIterations = Check.atLeast("maxIterations", maxIterations, 100, 1);
        regParam = Check.inRange("regParam", regParam, 1e-4, 0, 1e6);
        trainData = Check.oneOf("trainData", trainData, AUTO, List.of(AUTO, PRETRAINING, FULL, BOTH));
    }

    public static ProbeConfig defaults() {
        return new ProbeConfig(null, null, null);
    }

    /** Whether the main probe trains on the full train split ({@code selectionNextToDataset}: data.selection given). */
    boolean mainOnFullSplit(boolean selectionNextToDataset) {
        return trainData.equals(FULL) || (trainData.equals(AUTO) && selectionNextToDataset);
    }

    /** Whether a second probe on the full train split is reported beside the main one. */
    boolean alsoFullSplit() {
        return trainData.equals(BOTH);
    }
}

package org.sparktrain.jobs.contrastive;

import org.sparktrain.config.Check;

/**
 * The linear probe on frozen features: Spark MLlib's multinomial logistic regression (L-BFGS) on the encoder's
 * representation (projection head removed) of the training data, scored on the test split.
 *
 * @param maxIterations L-BFGS iterations; default 100
 * @param regParam      L2 regularisation; default 1e-4
 */
public record ProbeConfig(Integer maxIterations, Double regParam) implements java.io.Serializable {
    public ProbeConfig {
        maxIterations = Check.atLeast("maxIterations", maxIterations, 100, 1);
        regParam = Check.inRange("regParam", regParam, 1e-4, 0, 1e6);
    }

    public static ProbeConfig defaults() {
        return new ProbeConfig(null, null);
    }
}

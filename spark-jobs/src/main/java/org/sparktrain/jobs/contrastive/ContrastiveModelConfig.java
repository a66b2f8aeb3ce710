package org.sparktrain.jobs.contrastive;

import org.sparktrain.config.Check;

/**
 * The encoder and projection head of {@code train-contrastive} (model-zoo's
 * {@link org.sparktrain.zoo.contrastive.ContrastiveMlp}).
 *
 * @param encoderHidden hidden width of the encoder; default 512
 * @param features      representation width (the linear probe's input); default 128
 * @param headHidden    hidden width of the projection head; default 128
 * @param projection    projection width (what the loss sees); default 64
 */
public record ContrastiveModelConfig(Integer encoderHidden, Integer features, Integer headHidden, Integer projection)
        implements java.io.Serializable {
    public ContrastiveModelConfig {
        encoderHidden = Check.atLeast("encoderHidden", encoderHidden, 512, 1);
        features = Check.atLeast("features", features, 128, 1);
        headHidden = Check.atLeast("headHidden", headHidden, 128, 1);
        projection = Check.atLeast("projection", projection, 64, 1);
    }

    public static ContrastiveModelConfig defaults() {
        return new ContrastiveModelConfig(null, null, null, null);
    }
}

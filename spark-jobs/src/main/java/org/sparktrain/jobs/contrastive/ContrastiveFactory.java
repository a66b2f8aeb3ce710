package org.sparktrain.jobs.contrastive;

import org.nd4j.linalg.api.buffer.DataType;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.zoo.ImageShape;
import org.sparktrain.zoo.contrastive.ContrastiveEncoder;

/**
 * Builds the contrastive encoder ({@link ContrastiveTrainable}) on the driver and on every executor. Holds only
 * serialisable settings; the loss objects are built where the trainable is.
 *
 * @param method one of {@link TrainContrastiveConfig#SIMCLR}, {@code SOGCLR}, {@code ISOGCLR}
 * @param seed   initialisation and augmentation seed
 */
public record ContrastiveFactory(String method, ImageShape shape, ContrastiveModelConfig model,
                                 AugmentationConfig augmentation, ContrastiveLossConfig loss, long seed)
        implements TrainableFactory {

    @Override
    public Trainable create() {
        return new ContrastiveTrainable(this, newModel(DataType.FLOAT));
    }

    /** The network with its seeded initial parameters, in float (training) or double (gradient checks). */
    public ContrastiveEncoder newModel(DataType dataType) {
        return model.build(shape, seed, dataType);
    }

    /** The per-record state the method keeps (none for simclr). */
    public ContrastiveState algorithmState() {
        return new ContrastiveState(!TrainContrastiveConfig.SIMCLR.equals(method), loss.tau());
    }

    @Override
    public String cacheKey() {
        return "contrastive-" + this;
    }
}

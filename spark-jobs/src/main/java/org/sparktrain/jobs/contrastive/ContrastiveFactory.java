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
 * @param seed         initialisation and augmentation seed
 * @param weightColumn the batch column of per-record selection weights (width 1), or null for unweighted training
 * @param weightScale  the constant factor s on the weights (R/n, {@code org.sparktrain.jobs.RecordWeights}):
 *                     anchor i's loss term is multiplied by s·w_i
 */
public record ContrastiveFactory(String method, ImageShape shape, ContrastiveModelConfig model,
                                 AugmentationConfig augmentation, ContrastiveLossConfig loss, long seed,
                                 String weightColumn, double weightScale)
        implements TrainableFactory {

    /** Unweighted training. */
    public ContrastiveFactory(String method, ImageShape shape, ContrastiveModelConfig model,
                              AugmentationConfig augmentation, ContrastiveLossConfig loss, long seed) {
        this(method, shape, model, augmentation, loss, seed, null, 1.0);
    }

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

package org.sparktrain.jobs.contrastive;

import org.sparktrain.config.Check;
import org.sparktrain.zoo.ImageShape;
import org.sparktrain.zoo.contrastive.ImageAugmentation;

/**
 * The two random views of every image (model-zoo's {@link ImageAugmentation}); defaults fit 28x28 grayscale
 * clothing images (Fashion-MNIST), whose classes are mirror-symmetric. For digits set {@code flipProbability: 0}.
 *
 * @param cropScaleMin       smallest area fraction of the random resized crop; default 0.4 (1 = no crop)
 * @param maxRotationDegrees rotation jitter; default 10
 * @param maxTranslate       translation jitter in pixels; default 2
 * @param flipProbability    horizontal flip probability; default 0.5
 * @param noiseStd           additive Gaussian noise (values clipped to [0, 1] afterwards); default 0.05
 */
public record AugmentationConfig(Double cropScaleMin, Double maxRotationDegrees, Double maxTranslate,
                                 Double flipProbability, Double noiseStd) implements java.io.Serializable {
    public AugmentationConfig {
        cropScaleMin = Check.inRange("cropScaleMin", cropScaleMin, 0.4, 1e-3, 1);
        maxRotationDegrees = Check.inRange("maxRotationDegrees", maxRotationDegrees, 10.0, 0, 180);
        maxTranslate = Check.inRange("maxTranslate", maxTranslate, 2.0, 0, 1e3);
        flipProbability = Check.inRange("flipProbability", flipProbability, 0.5, 0, 1);
        noiseStd = Check.inRange("noiseStd", noiseStd, 0.05, 0, 10);
    }

    public static AugmentationConfig defaults() {
        return new AugmentationConfig(null, null, null, null, null);
    }

    public ImageAugmentation build(ImageShape shape) {
        return new ImageAugmentation(shape, cropScaleMin, maxRotationDegrees, maxTranslate, flipProbability, noiseStd,
                0, 1);
    }
}

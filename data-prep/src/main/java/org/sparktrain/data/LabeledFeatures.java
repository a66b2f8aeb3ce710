package org.sparktrain.data;

/**
 * One record handed to {@link PreparedDataset#write}: a flat feature vector (row-major C, H, W for images, of the
 * length given by the dataset's {@code featureShape}) and its class label. The writer assigns the stable id.
 *
 * @param features finite feature values; the array is not copied and must not be changed afterwards
 * @param label    class index, {@code 0 <= label < numClasses}
 */
public record LabeledFeatures(float[] features, int label) {
}

package org.sparktrain.data;

/**
 * One record handed to {@link PreparedDataset#write}: a flat feature vector (row-major C, H, W for images, of the
 * length given by the dataset's {@code featureShape}) and its label: a class index for classification datasets, a
 * real value ({@link #target()}) for {@link DatasetManifest#TABLE_REGRESSION} datasets. The writer assigns the
 * stable id.
 *
 * @param features finite feature values; the array is not copied and must not be changed afterwards
 * @param label    class index, {@code 0 <= label < numClasses} (0 for regression records)
 * @param target   the regression target (equal to {@code label} for classification records)
 */
public record LabeledFeatures(float[] features, int label, float target) {
    /** A classification record. */
    public LabeledFeatures(float[] features, int label) {
        this(features, label, label);
    }

    /** A regression record with real-valued target {@code target}. */
    public static LabeledFeatures regression(float[] features, float target) {
        return new LabeledFeatures(features, 0, target);
    }
}

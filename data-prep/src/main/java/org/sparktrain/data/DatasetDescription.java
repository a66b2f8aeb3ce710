package org.sparktrain.data;

import java.util.List;

/**
 * What the caller of {@link PreparedDataset#write} knows about a dataset before its records are streamed: the
 * manifest fields that are not computed from the records (counts, histograms and the creation time are).
 *
 * @param name         dataset name, non-empty
 * @param kind         e.g. {@link DatasetManifest#IMAGE_CLASSIFICATION}
 * @param featureShape shape of one record's features, [C, H, W] for images
 * @param numClasses   number of classes, or {@code null} to use the size of {@code classNames} or else
 *                     max label + 1 over all splits
 * @param classNames   optional class names
 * @param sources      the input files (see {@link DatasetManifest.Source#of})
 * @param skipped      input records that were skipped before reaching the writer
 * @param createdBy    tool and version, see {@link BuildInfo#createdBy}
 */
public record DatasetDescription(String name, String kind, List<Integer> featureShape, Integer numClasses,
                                 List<String> classNames, List<DatasetManifest.Source> sources, long skipped,
                                 String createdBy) {
    /** Validates the fields; violations name the field. */
    public DatasetDescription {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: must be non-empty");
        }
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("kind: must be non-empty");
        }
        if (featureShape == null || featureShape.isEmpty() || featureShape.stream().anyMatch(d -> d == null || d <= 0)) {
            throw new IllegalArgumentException("featureShape: every dimension must be positive, got " + featureShape);
        }
        if (numClasses != null && numClasses <= 0) {
            throw new IllegalArgumentException("numClasses: must be positive, got " + numClasses);
        }
        if (numClasses != null && classNames != null && classNames.size() != numClasses) {
            throw new IllegalArgumentException("classNames: " + classNames.size() + " names for numClasses " + numClasses);
        }
        if (skipped < 0) {
            throw new IllegalArgumentException("skipped: must be >= 0, got " + skipped);
        }
        featureShape = List.copyOf(featureShape);
        classNames = classNames == null ? null : List.copyOf(classNames);
        sources = sources == null ? List.of() : List.copyOf(sources);
        createdBy = createdBy == null ? BuildInfo.createdBy("PreparedDataset") : createdBy;
    }

    /** An image-classification dataset of {@code channels x height x width} images, other fields empty. */
    public static DatasetDescription images(String name, int channels, int height, int width) {
        return new DatasetDescription(name, DatasetManifest.IMAGE_CLASSIFICATION, List.of(channels, height, width),
                null, null, List.of(), 0, null);
    }

    public DatasetDescription withNumClasses(Integer n) {
        return new DatasetDescription(name, kind, featureShape, n, classNames, sources, skipped, createdBy);
    }

    public DatasetDescription withClassNames(List<String> names) {
        return new DatasetDescription(name, kind, featureShape, numClasses, names, sources, skipped, createdBy);
    }

    public DatasetDescription withSources(List<DatasetManifest.Source> files) {
        return new DatasetDescription(name, kind, featureShape, numClasses, classNames, files, skipped, createdBy);
    }

    public DatasetDescription withSkipped(long n) {
        return new DatasetDescription(name, kind, featureShape, numClasses, classNames, sources, n, createdBy);
    }

    public DatasetDescription withCreatedBy(String tool) {
        return new DatasetDescription(name, kind, featureShape, numClasses, classNames, sources, skipped, tool);
    }

    /** Length of every features array: the product of {@link #featureShape()}. */
    public int featureSize() {
        long size = 1;
        for (int d : featureShape) {
            size *= d;
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("featureShape " + featureShape + " has more than 2^31 elements");
        }
        return (int) size;
    }

    /** The class count fixed before streaming: {@code numClasses}, else the number of class names, else null. */
    public Integer fixedNumClasses() {
        return numClasses != null ? numClasses : classNames != null ? Integer.valueOf(classNames.size()) : null;
    }
}

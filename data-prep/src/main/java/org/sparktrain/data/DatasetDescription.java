package org.sparktrain.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the caller of {@link PreparedDataset#write} knows about a feature dataset (images, tables): the manifest
 * fields that are not computed from the records (counts, histograms and the creation time are). Fields known only
 * after the records were streamed (sources checksummed on the way, the skip report) are added by the completion
 * step of {@link PreparedDataset#write(org.apache.spark.sql.SparkSession, String, DatasetDescription,
 * java.util.Iterator, java.util.Iterator, java.util.function.UnaryOperator)}.
 *
 * @param name         dataset name, non-empty
 * @param kind         {@link DatasetManifest#IMAGE_CLASSIFICATION}, {@link DatasetManifest#TABLE_CLASSIFICATION} or
 *                     {@link DatasetManifest#TABLE_REGRESSION}
 * @param featureShape shape of one record's features, [C, H, W] for images, [d] for tables
 * @param numClasses   number of classes, or {@code null} to use the size of {@code classNames} or else
 *                     max label + 1 over all splits; ignored for regression
 * @param classNames   optional class names (the class-index map)
 * @param featureNames optional feature names, one per feature
 * @param sources      the input files (see {@link DatasetManifest.Source#of})
 * @param skipped      input records that were skipped before reaching the writer
 * @param skipReport   optional details of the skipped records; its total is {@code skipped}
 * @param properties   facts about the preparation recorded in the manifest
 * @param createdBy    tool and version, see {@link BuildInfo#createdBy}
 */
public record DatasetDescription(String name, String kind, List<Integer> featureShape, Integer numClasses,
                                 List<String> classNames, List<String> featureNames,
                                 List<DatasetManifest.Source> sources, long skipped, SkipReport skipReport,
                                 Map<String, String> properties, String createdBy) {
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
        if (skipReport != null && skipReport.total() != skipped) {
            throw new IllegalArgumentException("skipReport: total " + skipReport.total() + " but skipped " + skipped);
        }
        featureShape = List.copyOf(featureShape);
        classNames = classNames == null ? null : List.copyOf(classNames);
        featureNames = featureNames == null ? null : List.copyOf(featureNames);
        sources = sources == null ? List.of() : List.copyOf(sources);
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        createdBy = createdBy == null ? BuildInfo.createdBy("PreparedDataset") : createdBy;
    }

    /** A description without feature names, skip report or properties (the first version's fields). */
    public DatasetDescription(String name, String kind, List<Integer> featureShape, Integer numClasses,
                              List<String> classNames, List<DatasetManifest.Source> sources, long skipped,
                              String createdBy) {
        this(name, kind, featureShape, numClasses, classNames, null, sources, skipped, null, null, createdBy);
    }

    /** An image-classification dataset of {@code channels x height x width} images, other fields empty. */
    public static DatasetDescription images(String name, int channels, int height, int width) {
        return new DatasetDescription(name, DatasetManifest.IMAGE_CLASSIFICATION, List.of(channels, height, width),
                null, null, List.of(), 0, null);
    }

    /**
     * A table dataset of {@code numFeatures} features, {@link DatasetManifest#TABLE_REGRESSION} when
     * {@code regression}, else {@link DatasetManifest#TABLE_CLASSIFICATION}.
     */
    public static DatasetDescription table(String name, boolean regression, int numFeatures) {
        return new DatasetDescription(name, regression ? DatasetManifest.TABLE_REGRESSION
                : DatasetManifest.TABLE_CLASSIFICATION, List.of(numFeatures), null, null, List.of(), 0, null);
    }

    public DatasetDescription withNumClasses(Integer n) {
        return new DatasetDescription(name, kind, featureShape, n, classNames, featureNames, sources, skipped,
                skipReport, properties, createdBy);
    }

    public DatasetDescription withClassNames(List<String> names) {
        return new DatasetDescription(name, kind, featureShape, numClasses, names, featureNames, sources, skipped,
                skipReport, properties, createdBy);
    }

    public DatasetDescription withFeatureNames(List<String> names) {
        return new DatasetDescription(name, kind, featureShape, numClasses, classNames, names, sources, skipped,
                skipReport, properties, createdBy);
    }

    public DatasetDescription withSources(List<DatasetManifest.Source> files) {
        return new DatasetDescription(name, kind, featureShape, numClasses, classNames, featureNames, files, skipped,
                skipReport, properties, createdBy);
    }

    /** Sets the skipped count (and drops any skip report, whose total would no longer match). */
    public DatasetDescription withSkipped(long n) {
        return new DatasetDescription(name, kind, featureShape, numClasses, classNames, featureNames, sources, n,
                null, properties, createdBy);
    }

    /** Sets the skip report and {@code skipped} to its total. */
    public DatasetDescription withSkipReport(SkipReport report) {
        return new DatasetDescription(name, kind, featureShape, numClasses, classNames, featureNames, sources,
                report == null ? 0 : report.total(), report, properties, createdBy);
    }

    public DatasetDescription withProperties(Map<String, String> props) {
        return new DatasetDescription(name, kind, featureShape, numClasses, classNames, featureNames, sources, skipped,
                skipReport, props, createdBy);
    }

    public DatasetDescription withCreatedBy(String tool) {
        return new DatasetDescription(name, kind, featureShape, numClasses, classNames, featureNames, sources, skipped,
                skipReport, properties, tool);
    }

    /** Whether labels are real values: {@link DatasetManifest#TABLE_REGRESSION}. */
    public boolean isRegression() {
        return DatasetManifest.TABLE_REGRESSION.equals(kind);
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
        if (isRegression()) {
            return null;
        }
        return numClasses != null ? numClasses : classNames != null ? Integer.valueOf(classNames.size()) : null;
    }
}

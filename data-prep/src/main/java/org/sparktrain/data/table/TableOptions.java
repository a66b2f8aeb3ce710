package org.sparktrain.data.table;

import java.util.List;

/**
 * How to read a table source ({@link TablePreparation}).
 *
 * @param format         CSV, LibSVM or FANN
 * @param train          the train file, any Hadoop path; required
 * @param test           the test file, or null for an empty test split
 * @param name           dataset name; null for the train file's name without extension
 * @param task           regression or classification; required for CSV and LibSVM, for FANN null means
 *                       classification when records have several outputs, else regression
 * @param labelColumn    CSV: the label column's name; required for CSV
 * @param featureColumns CSV: the feature columns in order; null for every column but the label
 * @param delimiter      CSV: the field separator
 * @param numFeatures    LibSVM: the dense dimension; 0 to use the largest index in the train and test files
 * @param classNames     classification: the classes in index order (for CSV and LibSVM the label values, for FANN
 *                       with several outputs one name per output); null to infer them (sorted distinct labels)
 */
public record TableOptions(Format format, String train, String test, String name, TableTask task, String labelColumn,
                           List<String> featureColumns, char delimiter, int numFeatures, List<String> classNames) {
    /** The three table formats. */
    public enum Format { CSV, LIBSVM, FANN }

    /** Checks the combination; messages name the config key. */
    public TableOptions {
        if (format == null) {
            throw new IllegalArgumentException("format: required");
        }
        if (train == null || train.isBlank()) {
            throw new IllegalArgumentException("train: is required (the train file)");
        }
        if (task == null && format != Format.FANN) {
            throw new IllegalArgumentException("task: is required for " + format.name().toLowerCase()
                    + " tables (regression or classification)");
        }
        if (format == Format.CSV && (labelColumn == null || labelColumn.isBlank())) {
            throw new IllegalArgumentException("labelColumn: is required for csv tables");
        }
        if (numFeatures < 0) {
            throw new IllegalArgumentException("numFeatures: must be >= 0, got " + numFeatures);
        }
        if (classNames != null && task == TableTask.REGRESSION) {
            throw new IllegalArgumentException("classNames: only for task classification");
        }
        featureColumns = featureColumns == null ? null : List.copyOf(featureColumns);
        classNames = classNames == null ? null : List.copyOf(classNames);
    }

    /** CSV options. */
    public static TableOptions csv(String train, String test, String name, TableTask task, String labelColumn,
                                   List<String> featureColumns, char delimiter, List<String> classNames) {
        return new TableOptions(Format.CSV, train, test, name, task, labelColumn, featureColumns, delimiter, 0,
                classNames);
    }

    /** LibSVM options. */
    public static TableOptions libsvm(String train, String test, String name, TableTask task, int numFeatures,
                                      List<String> classNames) {
        return new TableOptions(Format.LIBSVM, train, test, name, task, null, null, ',', numFeatures, classNames);
    }

    /** FANN options. */
    public static TableOptions fann(String train, String test, String name, TableTask task, List<String> classNames) {
        return new TableOptions(Format.FANN, train, test, name, task, null, null, ',', 0, classNames);
    }
}

package org.sparktrain.jobs.prepare;

import org.sparktrain.config.Check;

import java.util.List;

/**
 * {@code table:} options of {@code sparktrain prepare} for {@code source: csv | libsvm | fann} (see
 * {@link org.sparktrain.data.table.TableOptions}).
 *
 * @param train          the train file, any Hadoop path; required
 * @param test           the test file; default none (empty test split)
 * @param task           {@code classification} or {@code regression}; required for csv and libsvm; for fann the
 *                       default is classification with several outputs (one-hot), else regression
 * @param labelColumn    csv: the label column's header name; required for csv
 * @param featureColumns csv: the feature columns in order; default every other column
 * @param delimiter      csv: the one-character field separator; default {@code ,} ({@code \t} for tabs)
 * @param numFeatures    libsvm: the dense dimension; default 0 = the largest index in the files
 */
public record TableConfig(String train, String test, String task, String labelColumn, List<String> featureColumns,
                          String delimiter, Integer numFeatures) implements java.io.Serializable {
    public static final List<String> TASKS = List.of("classification", "regression");

    public TableConfig {
        train = Check.required("train", train);
        if (task != null) {
            Check.oneOf("task", task, null, TASKS);
        }
        featureColumns = featureColumns == null ? null : List.copyOf(featureColumns);
        delimiter = delimiter == null ? "," : delimiter.equals("\\t") ? "\t" : delimiter;
        if (delimiter.length() != 1) {
            throw new IllegalArgumentException("delimiter: must be one character, got '" + delimiter + "'");
        }
        numFeatures = Check.atLeast("numFeatures", numFeatures, 0, 0);
    }
}

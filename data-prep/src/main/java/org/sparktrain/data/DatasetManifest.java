package org.sparktrain.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code manifest.json} of a prepared dataset (format {@value #FORMAT}); see {@link PreparedDataset} for the
 * layout of feature datasets (images, tables) and {@link org.sparktrain.data.text.RetrievalDataset} for text
 * datasets. Serialised with Jackson, unknown keys rejected. Example:
 * <pre>{@code
 * {"format": "sparktrain-prepared/1", "name": "mnist", "kind": "image-classification",
 *  "featureShape": [1, 28, 28], "numClasses": 10, "classNames": ["0", ..., "9"],
 *  "splits": {"train": {"count": 60000, "classHistogram": [5923, ...]}, "test": {...}},
 *  "sources": [{"path": "file:/...", "bytes": 47040016, "sha256": "..."}],
 *  "skipped": 0, "createdAt": "2025-01-01T00:00:00Z", "createdBy": "sparktrain-data-prep/ImagePreparation 0.1.0"}
 * }</pre>
 * Feature datasets have {@code splits} and a {@code featureShape}; text datasets ({@value #TEXT_RETRIEVAL},
 * {@value #TEXT_CORPUS}) have no features, {@code numClasses} 0 and a row count per table in {@code tables}
 * instead of splits. The optional fields ({@code featureNames}, {@code tables}, {@code skipReport},
 * {@code properties}) are left out of the JSON when empty, so manifests of earlier versions read unchanged.
 *
 * @param format       always {@value #FORMAT}
 * @param name         dataset name, e.g. {@code mnist}
 * @param kind         {@value #IMAGE_CLASSIFICATION}, {@value #TABLE_CLASSIFICATION}, {@value #TABLE_REGRESSION},
 *                     {@value #TEXT_RETRIEVAL} or {@value #TEXT_CORPUS}
 * @param featureShape shape of one record's features, [C, H, W] for images, [d] for tables; features are flattened
 *                     row-major. Required when there are splits, absent for text datasets
 * @param featureNames optional, one name per feature (table columns)
 * @param numClasses   number of classes; labels are 0..numClasses-1; 0 for regression and text
 * @param classNames   optional, one name per class: the class-index map (class {@code i} is {@code classNames[i]},
 *                     e.g. the folder name of an image-folder dataset)
 * @param splits       per split ({@code train}, {@code test}): record count and class histogram
 * @param tables       per table of a text dataset ({@code corpus}, {@code queries}, {@code qrels},
 *                     {@code triples}): row count
 * @param sources      input files with their size and SHA-256
 * @param skipped      input records the preparation skipped ({@code skipReport.total} when there is a report)
 * @param skipReport   optional: what was skipped, per reason, with the first examples and their file:line
 * @param properties   optional facts about the preparation (settings such as the image size, the relevance scale
 *                     of the judgments, the label column)
 * @param createdAt    ISO-8601 instant
 * @param createdBy    tool and version
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"format", "name", "kind", "featureShape", "featureNames", "numClasses", "classNames", "splits",
        "tables", "sources", "skipped", "skipReport", "properties", "createdAt", "createdBy"})
public record DatasetManifest(String format, String name, String kind, List<Integer> featureShape,
                              List<String> featureNames, int numClasses, List<String> classNames,
                              @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Split> splits,
                              @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> tables,
                              List<Source> sources, long skipped, SkipReport skipReport,
                              @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> properties,
                              String createdAt, String createdBy) {
    /** The only format this version reads and writes. */
    public static final String FORMAT = "sparktrain-prepared/1";
    /** Kind of a labelled image data set. */
    public static final String IMAGE_CLASSIFICATION = "image-classification";
    /** Kind of a table with a class label (label column int). */
    public static final String TABLE_CLASSIFICATION = "table-classification";
    /** Kind of a table with a real-valued target (label column float). */
    public static final String TABLE_REGRESSION = "table-regression";
    /** Kind of a retrieval dataset: corpus, queries, qrels and optional triples tables. */
    public static final String TEXT_RETRIEVAL = "text-retrieval";
    /** Kind of a plain text corpus (self-supervised training): a corpus table only. */
    public static final String TEXT_CORPUS = "text-corpus";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Validates every field; a violation is an {@link IllegalArgumentException} naming the key. */
    @JsonCreator
    public DatasetManifest {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("format: unsupported '" + format + "', this version reads " + FORMAT);
        }
        require(name != null && !name.isBlank(), "name: must be non-empty");
        require(kind != null && !kind.isBlank(), "kind: must be non-empty");
        splits = splits == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(splits));
        tables = tables == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tables));
        require(!splits.isEmpty() || !tables.isEmpty(), "splits: must name at least one split (or tables: one table)");
        require(featureShape != null || splits.isEmpty(), "featureShape: must be non-empty");
        if (featureShape != null) {
            require(!featureShape.isEmpty(), "featureShape: must be non-empty");
            for (Integer d : featureShape) {
                require(d != null && d > 0, "featureShape: every dimension must be positive, got " + featureShape);
            }
            featureShape = List.copyOf(featureShape);
        }
        require(numClasses >= 0, "numClasses: must be >= 0, got " + numClasses);
        require(classNames == null || classNames.size() == numClasses,
                "classNames: " + (classNames == null ? 0 : classNames.size()) + " names for numClasses " + numClasses);
        for (Map.Entry<String, Split> e : splits.entrySet()) {
            Split s = e.getValue();
            require(s != null, "splits." + e.getKey() + ": missing");
            require(numClasses == 0 || s.classHistogram().size() == numClasses, "splits." + e.getKey()
                    + ".classHistogram: " + s.classHistogram().size() + " entries for numClasses " + numClasses);
        }
        for (Map.Entry<String, Long> e : tables.entrySet()) {
            require(e.getValue() != null && e.getValue() >= 0, "tables." + e.getKey() + ": count must be >= 0");
        }
        require(skipped >= 0, "skipped: must be >= 0, got " + skipped);
        require(skipReport == null || skipReport.total() == skipped,
                "skipReport.total: " + (skipReport == null ? 0 : skipReport.total()) + " but skipped is " + skipped);
        require(createdAt != null, "createdAt: missing");
        require(createdBy != null, "createdBy: missing");
        classNames = classNames == null ? null : List.copyOf(classNames);
        featureNames = featureNames == null ? null : List.copyOf(featureNames);
        sources = sources == null ? List.of() : List.copyOf(sources);
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        if (featureNames != null) {
            require(featureShape != null && featureNames.size() == sizeOf(featureShape), "featureNames: "
                    + featureNames.size() + " names for featureShape " + featureShape);
        }
    }

    /** The manifest of a feature dataset as in the first version (no feature names, tables, report or properties). */
    public DatasetManifest(String format, String name, String kind, List<Integer> featureShape, int numClasses,
                           List<String> classNames, Map<String, Split> splits, List<Source> sources, long skipped,
                           String createdAt, String createdBy) {
        this(format, name, kind, featureShape, null, numClasses, classNames, splits, null, sources, skipped, null,
                null, createdAt, createdBy);
    }

    /** Record count and class histogram of one split. */
    public record Split(long count, List<Long> classHistogram) {
        /** Checks the histogram is non-negative and sums to {@code count}. */
        public Split {
            require(count >= 0, "count: must be >= 0, got " + count);
            classHistogram = classHistogram == null ? List.of() : List.copyOf(classHistogram);
            long sum = 0;
            for (Long c : classHistogram) {
                require(c != null && c >= 0, "classHistogram: counts must be >= 0, got " + classHistogram);
                sum += c;
            }
            require(classHistogram.isEmpty() || sum == count,
                    "classHistogram: sums to " + sum + " but count is " + count);
        }

        /** The histogram as an array. */
        public long[] histogram() {
            return classHistogram.stream().mapToLong(Long::longValue).toArray();
        }
    }

    /** An input file: fully qualified path, size in bytes and hex SHA-256. */
    public record Source(String path, long bytes, String sha256) {
        /** Describes a file on any Hadoop file system, reading it once to checksum it. */
        public static Source of(Path file, Configuration conf) {
            try {
                FileSystem fs = file.getFileSystem(conf);
                FileStatus status = fs.getFileStatus(file);
                return new Source(fs.makeQualified(file).toString(), status.getLen(), Checksums.sha256Hex(file, conf));
            } catch (IOException e) {
                throw new BadInputException("source file " + file + " cannot be read: " + e.getMessage(), e);
            }
        }
    }

    /** Product of {@link #featureShape()}: the length of every features array. */
    @JsonIgnore
    public int featureSize() {
        if (featureShape == null) {
            throw new BadInputException("dataset " + name + " (" + kind + ") has no features (no featureShape)");
        }
        long size = sizeOf(featureShape);
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("featureShape " + featureShape + " has more than 2^31 elements");
        }
        return (int) size;
    }

    /** The class-index map, name to index, from {@link #classNames()}; empty when there are none. */
    @JsonIgnore
    public Map<String, Integer> classIndex() {
        Map<String, Integer> index = new LinkedHashMap<>();
        if (classNames != null) {
            for (int i = 0; i < classNames.size(); i++) {
                index.putIfAbsent(classNames.get(i), i);
            }
        }
        return Collections.unmodifiableMap(index);
    }

    /** {@link #classNames()}, or the class indices {@code "0"}..{@code numClasses-1} as names when there are none. */
    @JsonIgnore
    public List<String> classNamesOrIndices() {
        if (classNames != null) {
            return classNames;
        }
        List<String> names = new ArrayList<>(numClasses);
        for (int i = 0; i < numClasses; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    /** Whether labels are real values (float label column): {@value #TABLE_REGRESSION}. */
    @JsonIgnore
    public boolean isRegression() {
        return TABLE_REGRESSION.equals(kind);
    }

    /** Row count of a table of a text dataset; a {@link BadInputException} listing the tables when absent. */
    public long table(String table) {
        Long n = tables.get(table);
        if (n == null) {
            throw new BadInputException("dataset " + name + " has no table '" + table + "' (it has " + tables.keySet()
                    + ")");
        }
        return n;
    }

    /** The named split; a {@link BadInputException} listing the splits when absent. */
    public Split split(String split) {
        Split s = splits.get(split);
        if (s == null) {
            throw new BadInputException("dataset " + name + " has no split '" + split + "' (it has " + splits.keySet() + ")");
        }
        return s;
    }

    /**
     * Fails, naming the config {@code key} and the dataset {@code path}, unless the manifest has the split (the check
     * every training job's validation runs on its configured splits).
     */
    public void requireSplit(String key, String path, String split) {
        if (!splits.containsKey(split)) {
            throw new BadInputException(key + ": prepared dataset " + path + " has no split '" + split
                    + "' (it has " + splits.keySet() + ")");
        }
    }

    /**
     * Fails, naming the dataset {@code path}, unless the manifest has at least {@code min} classes; {@code user} says
     * what needs them (e.g. {@code "a classifier"}).
     */
    public void requireClasses(String path, int min, String user) {
        if (numClasses < min) {
            throw new BadInputException(path + ": " + user + " needs at least " + min + " classes, manifest has "
                    + numClasses);
        }
    }

    /** Pretty-printed JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise manifest of " + name, e);
        }
    }

    /** Parses and validates JSON; problems are {@link IllegalArgumentException}s naming the key. */
    public static DatasetManifest fromJson(String json) {
        try {
            return JSON.readValue(json, DatasetManifest.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            String message = cause == e ? e.getOriginalMessage() + " at " + e.getLocation() : cause.getMessage();
            throw new IllegalArgumentException(message, e);
        }
    }

    private static long sizeOf(List<Integer> shape) {
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        return size;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}

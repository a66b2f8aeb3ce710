package org.sparktrain.data;

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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code manifest.json} of a prepared dataset (format {@value #FORMAT}); see {@link PreparedDataset} for the
 * directory layout. Serialised with Jackson, unknown keys rejected. Example:
 * <pre>{@code
 * {"format": "sparktrain-prepared/1", "name": "mnist", "kind": "image-classification",
 *  "featureShape": [1, 28, 28], "numClasses": 10, "classNames": ["0", ..., "9"],
 *  "splits": {"train": {"count": 60000, "classHistogram": [5923, ...]}, "test": {...}},
 *  "sources": [{"path": "file:/...", "bytes": 47040016, "sha256": "..."}],
 *  "skipped": 0, "createdAt": "2025-01-01T00:00:00Z", "createdBy": "sparktrain-data-prep/ImagePreparation 0.1.0"}
 * }</pre>
 *
 * @param format       always {@value #FORMAT}
 * @param name         dataset name, e.g. {@code mnist}
 * @param kind         e.g. {@value #IMAGE_CLASSIFICATION}
 * @param featureShape shape of one record's features, [C, H, W] for images; features are flattened row-major
 * @param numClasses   number of classes; labels are 0..numClasses-1
 * @param classNames   optional, one name per class
 * @param splits       per split ({@code train}, {@code test}): record count and class histogram
 * @param sources      input files with their size and SHA-256
 * @param skipped      input records the preparation skipped
 * @param createdAt    ISO-8601 instant
 * @param createdBy    tool and version
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"format", "name", "kind", "featureShape", "numClasses", "classNames", "splits", "sources",
        "skipped", "createdAt", "createdBy"})
public record DatasetManifest(String format, String name, String kind, List<Integer> featureShape, int numClasses,
                              List<String> classNames, Map<String, Split> splits, List<Source> sources, long skipped,
                              String createdAt, String createdBy) {
    /** The only format this version reads and writes. */
    public static final String FORMAT = "sparktrain-prepared/1";
    /** Kind of a labelled image data set. */
    public static final String IMAGE_CLASSIFICATION = "image-classification";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Validates every field; a violation is an {@link IllegalArgumentException} naming the key. */
    public DatasetManifest {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("format: unsupported '" + format + "', this version reads " + FORMAT);
        }
        require(name != null && !name.isBlank(), "name: must be non-empty");
        require(kind != null && !kind.isBlank(), "kind: must be non-empty");
        require(featureShape != null && !featureShape.isEmpty(), "featureShape: must be non-empty");
        for (Integer d : featureShape) {
            require(d != null && d > 0, "featureShape: every dimension must be positive, got " + featureShape);
        }
        require(numClasses >= 0, "numClasses: must be >= 0, got " + numClasses);
        require(classNames == null || classNames.size() == numClasses,
                "classNames: " + (classNames == null ? 0 : classNames.size()) + " names for numClasses " + numClasses);
        require(splits != null && !splits.isEmpty(), "splits: must name at least one split");
        for (Map.Entry<String, Split> e : splits.entrySet()) {
            Split s = e.getValue();
            require(s != null, "splits." + e.getKey() + ": missing");
            require(numClasses == 0 || s.classHistogram().size() == numClasses, "splits." + e.getKey()
                    + ".classHistogram: " + s.classHistogram().size() + " entries for numClasses " + numClasses);
        }
        require(skipped >= 0, "skipped: must be >= 0, got " + skipped);
        require(createdAt != null, "createdAt: missing");
        require(createdBy != null, "createdBy: missing");
        featureShape = List.copyOf(featureShape);
        classNames = classNames == null ? null : List.copyOf(classNames);
        splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
        sources = sources == null ? List.of() : List.copyOf(sources);
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
        long size = 1;
        for (int d : featureShape) {
            size *= d;
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("featureShape " + featureShape + " has more than 2^31 elements");
        }
        return (int) size;
    }

    /** The named split; a {@link BadInputException} listing the splits when absent. */
    public Split split(String split) {
        Split s = splits.get(split);
        if (s == null) {
            throw new BadInputException("dataset " + name + " has no split '" + split + "' (it has " + splits.keySet() + ")");
        }
        return s;
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

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}

package org.sparktrain.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Streams the records of one split into Parquet files under one directory: validates each record, assigns ids
 * {@code firstId, firstId+1, ...} in stream order, counts class labels (regression datasets carry a float label
 * instead, see {@link DatasetDescription#isRegression()}), and hands the records to Spark in
 * {@link RecordChunk}s of about {@code chunkBytes} of features (default {@link #CHUNK_BYTES}); each chunk is one
 * parallelized RDD of packed slices, decoded on the executors and appended as {@code defaultParallelism} Parquet
 * part files. Memory on the driver is bounded by one chunk (twice, while it is packed).
 */
final class SplitWriter {
    /** Features per chunk, in bytes of float data (32 MiB: 10,700 MNIST images). */
    static final long CHUNK_BYTES = 32L << 20;
    /** Largest record: 256 MiB of features (a packed slice must stay below 2 GiB). */
    static final long MAX_RECORD_BYTES = 1L << 28;
    private static final Logger LOG = LoggerFactory.getLogger(SplitWriter.class);
    private static final String JOB_DESCRIPTION = "spark.job.description";

    private final SparkSession spark;
    private final String dataset;
    private final String split;
    private final Path dir;
    private final int featureSize;
    private final Integer fixedNumClasses;
    private final boolean regression;
    private final long firstId;
    private final int chunkRows;
    private long count;
    private long[] histogram = new long[16];
    private int maxLabel = -1;
    private int chunks;

    SplitWriter(SparkSession spark, DatasetDescription description, String split, Path dir, long firstId,
                long chunkBytes) {
        this.spark = spark;
        this.dataset = description.name();
        this.split = split;
        this.dir = dir;
        this.featureSize = description.featureSize();
        this.fixedNumClasses = description.fixedNumClasses();
        this.regression = description.isRegression();
        this.firstId = firstId;
        if (4L * featureSize > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("featureShape " + description.featureShape() + ": records of more than "
                    + MAX_RECORD_BYTES / 4 + " features are not supported");
        }
        this.chunkRows = (int) Math.max(1, Math.min(1 << 20, chunkBytes / (4L * featureSize)));
    }

    /** Writes every record; returns the number written. */
    long write(Iterator<LabeledFeatures> records) {
        SparkContext sc = spark.sparkContext();
        String previousDescription = sc.getLocalProperty(JOB_DESCRIPTION);
        try {
            RecordChunk chunk = new RecordChunk(featureSize, chunkRows, regression);
            chunk.reset(firstId);
            while (records.hasNext()) {
                LabeledFeatures r = records.next();
                validate(r, firstId + count);
                if (regression) {
                    chunk.add(r.features(), r.target());
                    count++;
                } else {
                    chunk.add(r.features(), r.label());
                    count(r.label());
                }
                if (chunk.isFull()) {
                    flush(chunk);
                    chunk.reset(firstId + count);
                }
            }
            if (chunk.size() > 0 || chunks == 0) {
                flush(chunk); // an empty split still gets a part file that carries the schema
            }
        } finally {
            sc.setJobDescription(previousDescription);
        }
        LOG.info("dataset {} split {}: wrote {} records (ids from {}) in {} chunks to {}", dataset, split, count,
                firstId, chunks, dir);
        return count;
    }

    long count() {
        return count;
    }

    /** Largest label seen, -1 when the split is empty or the labels are real values. */
    int maxLabel() {
        return maxLabel;
    }

    /** Label counts for classes {@code 0..numClasses-1}; {@code numClasses} must exceed {@link #maxLabel()}. */
    List<Long> histogram(int numClasses) {
        long[] h = Arrays.copyOf(histogram, numClasses);
        List<Long> out = new ArrayList<>(numClasses);
        for (long c : h) {
            out.add(c);
        }
        return out;
    }

    private void validate(LabeledFeatures r, long id) {
        String where = "dataset " + dataset + " split " + split + " record " + (id - firstId) + " (id " + id + ")";
        if (r == null || r.features() == null) {
            throw new BadInputException(where + ": record or features is null");
        }
        float[] f = r.features();
        if (f.length != featureSize) {
            throw new BadInputException(where + ": " + f.length + " features, expected " + featureSize);
        }
        for (int i = 0; i < f.length; i++) {
            if (!Float.isFinite(f[i])) {
                throw new BadInputException(where + ": feature " + i + " is " + f[i]);
            }
        }
        if (regression) {
            if (!Float.isFinite(r.target())) {
                throw new BadInputException(where + ": target is " + r.target());
            }
            return;
        }
        if (r.label() < 0) {
            throw new BadInputException(where + ": label " + r.label() + " is negative");
        }
        if (fixedNumClasses != null && r.label() >= fixedNumClasses) {
            throw new BadInputException(where + ": label " + r.label() + " is not below numClasses " + fixedNumClasses);
        }
    }

    private void count(int label) {
        if (label >= histogram.length) {
            histogram = Arrays.copyOf(histogram, Math.max(label + 1, histogram.length * 2));
        }
        histogram[label]++;
        maxLabel = Math.max(maxLabel, label);
        count++;
    }

    private void flush(RecordChunk chunk) {
        SparkContext sc = spark.sparkContext();
        sc.setJobDescription("prepare " + dataset + ": write " + split + " chunk " + chunks + " (" + chunk.size()
                + " records)");
        List<byte[]> slices = chunk.pack(sc.defaultParallelism());
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(sc).parallelize(slices, slices.size())
                .flatMap(new RecordChunk.Decoder());
        spark.createDataFrame(rows, regression ? PreparedDataset.REGRESSION_SCHEMA : PreparedDataset.SCHEMA).write().mode(SaveMode.Append).parquet(dir.toString());
        chunks++;
        LOG.debug("dataset {} split {}: chunk {} of {} records written", dataset, split, chunks, chunk.size());
    }
}

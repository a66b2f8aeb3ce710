package org.sparktrain.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The prepared-dataset format that every training job reads, on any Hadoop path:
 * <pre>
 * &lt;out&gt;/manifest.json             {@link DatasetManifest}
 * &lt;out&gt;/train/part-*.parquet      columns id (long, non-null), features (array&lt;float&gt;), label (int)
 * &lt;out&gt;/test/part-*.parquet
 * </pre>
 * Datasets of kind {@link DatasetManifest#TABLE_REGRESSION} have a float {@code label} (the target) instead
 * ({@link #REGRESSION_SCHEMA}); {@link #schemaFor} gives the schema of a kind.
 * Ids are stable: train records get {@code 0..nTrain-1} in input order, test records
 * {@code nTrain..nTrain+nTest-1}. Features are flattened row-major in the manifest's {@code featureShape} (C, H, W
 * for images).
 *
 * <p>{@link #write} streams the records from the driver to Spark in bounded chunks and writes the whole directory
 * through {@link AtomicOutput}: readers see the previous complete version or the new one, and a failure leaves
 * nothing new at {@code <out>} (a previous version stays intact, the temporary directory is removed).
 */
public final class PreparedDataset {
    public static final String MANIFEST = "manifest.json";
    public static final String TRAIN = "train";
    public static final String TEST = "test";
    public static final String ID = "id";
    public static final String FEATURES = "features";
    public static final String LABEL = "label";
    /** Schema of every split. */
    public static final StructType SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField(ID, DataTypes.LongType, false),
            DataTypes.createStructField(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false),
            DataTypes.createStructField(LABEL, DataTypes.IntegerType, false)});
    /** Schema of every split of a {@link DatasetManifest#TABLE_REGRESSION} dataset: the label is the float target. */
    public static final StructType REGRESSION_SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField(ID, DataTypes.LongType, false),
            DataTypes.createStructField(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false),
            DataTypes.createStructField(LABEL, DataTypes.FloatType, false)});
    private static final Logger LOG = LoggerFactory.getLogger(PreparedDataset.class);

    private PreparedDataset() {
    }

    /**
     * Writes a prepared dataset to {@code outPath} (replacing any previous version atomically) and returns its
     * manifest. The iterators are consumed on the driver; their exceptions abort the write with no output.
     *
     * @throws BadInputException for an invalid record (wrong feature length, non-finite value, bad label; the message
     *                           names the split and record) or an unwritable {@code outPath}
     */
    public static DatasetManifest write(SparkSession spark, String outPath, DatasetDescription description,
                                        Iterator<LabeledFeatures> train, Iterator<LabeledFeatures> test) {
        return write(spark, outPath, description, train, test, UnaryOperator.identity(), SplitWriter.CHUNK_BYTES);
    }

    /**
     * {@link #write(SparkSession, String, DatasetDescription, Iterator, Iterator)} with a completion step: after the
     * last record of both splits was read, {@code completion} turns {@code description} into the final one with
     * what is only known then (sources checksummed while streaming, the {@link SkipReport}). Its shape, kind and
     * classes must not change.
     */
    public static DatasetManifest write(SparkSession spark, String outPath, DatasetDescription description,
                                        Iterator<LabeledFeatures> train, Iterator<LabeledFeatures> test,
                                        UnaryOperator<DatasetDescription> completion) {
        return write(spark, outPath, description, train, test, completion, SplitWriter.CHUNK_BYTES);
    }

    /** {@link #write} with the chunk size (bytes of features handed to Spark at once) given; for tests. */
    static DatasetManifest write(SparkSession spark, String outPath, DatasetDescription description,
                                 Iterator<LabeledFeatures> train, Iterator<LabeledFeatures> test, long chunkBytes) {
        return write(spark, outPath, description, train, test, UnaryOperator.identity(), chunkBytes);
    }

    private static DatasetManifest write(SparkSession spark, String outPath, DatasetDescription description,
                                         Iterator<LabeledFeatures> train, Iterator<LabeledFeatures> test,
                                         UnaryOperator<DatasetDescription> completion, long chunkBytes) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        long start = System.nanoTime();
        try (AtomicOutput out = AtomicOutput.begin(outPath, conf)) {
            Path root = out.tempPath();
            SplitWriter trainWriter = new SplitWriter(spark, description, TRAIN, new Path(root, TRAIN), 0, chunkBytes);
            trainWriter.write(train);
            SplitWriter testWriter = new SplitWriter(spark, description, TEST, new Path(root, TEST), trainWriter.count(),
                    chunkBytes);
            testWriter.write(test);

            if (trainWriter.count() + testWriter.count() == 0) {
                throw new BadInputException("dataset " + description.name() + " for " + outPath + " has no records");
            }
            DatasetDescription done = completion.apply(description);
            if (!done.featureShape().equals(description.featureShape()) || !done.kind().equals(description.kind())
                    || !java.util.Objects.equals(done.fixedNumClasses(), description.fixedNumClasses())) {
                throw new IllegalStateException("the completion of " + description.name()
                        + " changed its shape, kind or classes");
            }
            Map<String, DatasetManifest.Split> splits = new LinkedHashMap<>();
            int numClasses = 0;
            if (done.isRegression()) {
                splits.put(TRAIN, new DatasetManifest.Split(trainWriter.count(), List.of()));
                splits.put(TEST, new DatasetManifest.Split(testWriter.count(), List.of()));
            } else {
                int maxLabel = Math.max(trainWriter.maxLabel(), testWriter.maxLabel());
                Integer fixed = done.fixedNumClasses();
                numClasses = fixed != null ? fixed : maxLabel + 1;
                splits.put(TRAIN, new DatasetManifest.Split(trainWriter.count(), trainWriter.histogram(numClasses)));
                splits.put(TEST, new DatasetManifest.Split(testWriter.count(), testWriter.histogram(numClasses)));
            }
            DatasetManifest manifest = new DatasetManifest(DatasetManifest.FORMAT, done.name(), done.kind(),
                    done.featureShape(), done.featureNames(), numClasses, done.isRegression() ? null : done.classNames(),
                    splits, null, done.sources(), done.skipped(), done.skipReport(), done.properties(),
                    Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), done.createdBy());
            writeManifest(out.fileSystem(), root, manifest);
            out.commit();
            LOG.info("prepared dataset {} at {}: {} train + {} test records, {} classes, in {} ms", description.name(),
                    out.target(), trainWriter.count(), testWriter.count(), numClasses,
                    (System.nanoTime() - start) / 1_000_000);
            return manifest;
        }
    }

    /** Reads and validates {@code <path>/manifest.json}; every problem is a {@link BadInputException} naming it. */
    public static DatasetManifest readManifest(String path, Configuration conf) {
        Path file = new Path(path, MANIFEST);
        String json;
        try {
            FileSystem fs = file.getFileSystem(conf);
            try (InputStream in = fs.open(file)) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (FileNotFoundException e) {
            throw new BadInputException("prepared dataset " + path + " has no " + MANIFEST
                    + " (not a prepared dataset, or the path is wrong)", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return DatasetManifest.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("invalid manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads one split ({@link #TRAIN}, {@link #TEST}) as a DataFrame, after checking that the manifest lists it and
     * that the Parquet schema has {@code id} bigint, {@code features} array&lt;float&gt; and {@code label} int; a
     * missing column or a wrong type is a {@link BadInputException} naming the path and the column.
     */
    public static Dataset<Row> readSplit(SparkSession spark, String path, String split) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        DatasetManifest manifest = readManifest(path, conf);
        if (!manifest.splits().containsKey(split)) {
            throw new BadInputException("prepared dataset " + path + " has no split '" + split + "' (its manifest lists "
                    + manifest.splits().keySet() + ")");
        }
        Path dir = new Path(path, split);
        try {
            if (!dir.getFileSystem(conf).exists(dir)) {
                throw new BadInputException("prepared dataset " + path + ": split directory " + dir + " is missing");
            }
        } catch (IOException e) {
            throw new BadInputException("cannot access " + dir + ": " + e.getMessage(), e);
        }
        Dataset<Row> df;
        try {
            df = spark.read().parquet(dir.toString());
        } catch (Exception e) { // Scala throws AnalysisException (a checked exception) undeclared
            throw new BadInputException("cannot read split " + dir + " as Parquet: " + e.getMessage(), e);
        }
        validateSchema(df.schema(), dir.toString(), schemaFor(manifest.kind()));
        return df;
    }

    /**
     * The schema of the splits of a dataset of {@code kind}: {@link #REGRESSION_SCHEMA} for
     * {@link DatasetManifest#TABLE_REGRESSION}, {@link #SCHEMA} otherwise.
     */
    public static StructType schemaFor(String kind) {
        return DatasetManifest.TABLE_REGRESSION.equals(kind) ? REGRESSION_SCHEMA : SCHEMA;
    }

    /** Checks that {@code schema} has the three columns of {@link #SCHEMA} (nullability is not checked). */
    static void validateSchema(StructType schema, String where) {
        validateSchema(schema, where, SCHEMA);
    }

    /**
     * Checks that {@code schema} has every column of {@code required} with its type (nullability is not checked);
     * a missing column or a wrong type is a {@link BadInputException} naming {@code where} and the column.
     */
    public static void validateSchema(StructType schema, String where, StructType required) {
        for (StructField expected : required.fields()) {
            StructField actual = find(schema, expected.name());
            if (actual == null) {
                throw new BadInputException("prepared split " + where + " lacks column '" + expected.name() + "' (expected "
                        + expected.dataType().simpleString() + "); it has " + schema.simpleString());
            }
            if (!sameTypeIgnoringNullability(expected.dataType(), actual.dataType())) {
                throw new BadInputException("prepared split " + where + ": column '" + expected.name() + "' has type "
                        + actual.dataType().simpleString() + ", expected " + expected.dataType().simpleString());
            }
        }
    }

    private static StructField find(StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    private static boolean sameTypeIgnoringNullability(DataType expected, DataType actual) {
        if (expected instanceof ArrayType && actual instanceof ArrayType) {
            return ((ArrayType) expected).elementType().equals(((ArrayType) actual).elementType());
        }
        return expected.equals(actual);
    }

    /** Writes {@code manifest} as {@code <dir>/manifest.json}; used by every prepared-dataset writer. */
    public static void writeManifest(FileSystem fs, Path dir, DatasetManifest manifest) {
        Path file = new Path(dir, MANIFEST);
        try (FSDataOutputStream out = fs.create(file, false)) {
            out.write(manifest.toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadInputException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}

package org.sparktrain.data.image;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.BuildInfo;
import org.sparktrain.data.DataUnavailableException;
import org.sparktrain.data.DatasetDescription;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.LabeledFeatures;
import org.sparktrain.data.LineReader;
import org.sparktrain.data.Preparation;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.SourceFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Prepares CIFAR-10 or CIFAR-100 binary batches (see {@link CifarFormat}) as an image-classification dataset:
 * features {@code byte / 255f} in [0, 1], shape [3, 32, 32] (the file's own R, G, B plane order), ids in file order
 * (train batches 1..5, then test). CIFAR-100 uses the fine labels (100 classes) unless {@code coarse} is set
 * (20 classes). Class names come from the format's names file when it is present (its line count must match the
 * classes), else the manifest has none.
 *
 * <p>{@code dir} is the unpacked folder ({@code cifar-10-batches-bin}, {@code cifar-100-binary}) or its parent;
 * each batch may be gzipped ({@code data_batch_1.bin.gz}). A missing batch fails before anything is read. Bad
 * records (truncated, label out of range, an empty batch) follow the {@link BadRecords} policy.
 */
public final class CifarPreparation implements Preparation {
    private static final Logger LOG = LoggerFactory.getLogger(CifarPreparation.class);
    private final CifarFormat format;
    private final Path dir;
    private final boolean coarse;
    private final String name;
    private final BadRecords bad;

    /**
     * @param format CIFAR-10 or CIFAR-100
     * @param dir    the unpacked folder or its parent, any Hadoop path
     * @param coarse CIFAR-100 only: use the 20 coarse labels instead of the 100 fine ones
     * @param name   dataset name; null for the format's id ({@code cifar10}, {@code cifar100})
     * @param bad    what to do with bad records
     */
    public CifarPreparation(CifarFormat format, String dir, boolean coarse, String name, BadRecords bad) {
        if (coarse && format != CifarFormat.CIFAR100) {
            throw new IllegalArgumentException("coarse labels exist only in CIFAR-100");
        }
        this.format = format;
        this.dir = new Path(dir);
        this.coarse = coarse;
        this.name = name != null ? name : format.id();
        this.bad = bad;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("format", format.id());
        if (format == CifarFormat.CIFAR100) {
            s.put("labels", coarse ? "coarse" : "fine");
        }
        return s;
    }

    @Override
    public List<Path> inputs(Configuration conf) {
        Files files = locate(conf);
        List<Path> all = new ArrayList<>(files.train);
        all.addAll(files.test);
        if (files.names != null) {
            all.add(files.names);
        }
        return all;
    }

    @Override
    public DatasetManifest prepare(SparkSession spark, String outPath) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Files files = locate(conf);
        int numClasses = coarse ? format.numCoarseClasses() : format.numClasses();
        List<DatasetManifest.Source> sources = new ArrayList<>();
        List<String> classNames = null;
        if (files.names != null) {
            classNames = readNames(files.names, conf, numClasses, sources);
        }
        DatasetDescription description = DatasetDescription.images(name, 3, CifarFormat.SIDE, CifarFormat.SIDE)
                .withNumClasses(numClasses)
                .withClassNames(classNames)
                .withProperties(settings())
                .withCreatedBy(BuildInfo.createdBy("CifarPreparation"));
        LOG.info("preparing {} from {} train + {} test batch files in {} into {}", name, files.train.size(),
                files.test.size(), files.root, outPath);
        Records train = new Records(files.train, conf, sources);
        Records test = new Records(files.test, conf, sources);
        try {
            return PreparedDataset.write(spark, outPath, description, train, test,
                    d -> d.withSources(sources).withSkipReport(bad.report()));
        } finally {
            train.close();
            test.close();
        }
    }

    /** The located batch files and names file. */
    private record Files(Path root, List<Path> train, List<Path> test, Path names) {
    }

    private Files locate(Configuration conf) {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.isDirectory(dir)) {
                throw new DataUnavailableException(format.id() + " not found: " + dir + " is not a directory. Unpack "
                        + "the binary version of the data set there (folder " + format.folder() + ").");
            }
            Path root = fs.isDirectory(new Path(dir, format.folder())) ? new Path(dir, format.folder()) : dir;
            List<Path> train = new ArrayList<>();
            List<Path> test = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String f : format.trainFiles()) {
                add(fs, root, f, train, missing);
            }
            for (String f : format.testFiles()) {
                add(fs, root, f, test, missing);
            }
            if (!missing.isEmpty()) {
                throw new DataUnavailableException(format.id() + " not found: " + root + " lacks " + missing
                        + " (the binary version of the data set, folder " + format.folder() + ")");
            }
            String namesFile = coarse ? format.coarseNamesFile() : format.namesFile();
            Path names = new Path(root, namesFile);
            return new Files(root, train, test, fs.isFile(names) ? names : null);
        } catch (IOException e) {
            throw new BadInputException("cannot list " + format.id() + " directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void add(FileSystem fs, Path root, String file, List<Path> found, List<String> missing)
            throws IOException {
        Path raw = new Path(root, file);
        Path gz = new Path(root, file + ".gz");
        if (fs.isFile(raw)) {
            found.add(raw);
        } else if (fs.isFile(gz)) {
            found.add(gz);
        } else {
            missing.add(file + "[.gz]");
        }
    }

    /** The non-blank lines of a names file; their count must be {@code expected}. */
    static List<String> readNames(Path file, Configuration conf, int expected, List<DatasetManifest.Source> sources) {
        List<String> names = new ArrayList<>();
        try (LineReader lines = new LineReader(SourceFile.open(file, conf))) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (!line.isBlank()) {
                    names.add(line.trim());
                }
            }
            sources.add(lines.file().finish());
        }
        if (names.size() != expected) {
            throw new BadInputException("class names file " + file + " has " + names.size() + " names, expected "
                    + expected);
        }
        return names;
    }

    /** The records of a list of batch files, read one file after the other, as scaled features. */
    private final class Records implements Iterator<LabeledFeatures> {
        private final Iterator<Path> files;
        private final Configuration conf;
        private final List<DatasetManifest.Source> sources;
        private CifarReader current;

        Records(List<Path> files, Configuration conf, List<DatasetManifest.Source> sources) {
            this.files = files.iterator();
            this.conf = conf;
            this.sources = sources;
        }

        @Override
        public boolean hasNext() {
            while (current == null || !current.hasNext()) {
                if (current != null) {
                    sources.add(current.source());
                    current.close();
                    current = null;
                }
                if (!files.hasNext()) {
                    return false;
                }
                current = new CifarReader(SourceFile.open(files.next(), conf), format, bad);
            }
            return true;
        }

        @Override
        public LabeledFeatures next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            CifarRecord r = current.next();
            return new LabeledFeatures(Pixels.scale(r.pixels()), coarse ? r.coarseLabel() : r.label());
        }

        void close() {
            if (current != null) {
                current.close();
            }
        }
    }
}

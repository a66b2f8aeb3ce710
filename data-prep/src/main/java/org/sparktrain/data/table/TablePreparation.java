package org.sparktrain.data.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.BuildInfo;
import org.sparktrain.data.DatasetDescription;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.LabeledFeatures;
import org.sparktrain.data.Preparation;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.SourceFile;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * Prepares a table (CSV with header, LibSVM, FANN; see {@link TableOptions}) as a prepared table dataset: features
 * {@code array<float>} of dimension d, label int (classification) or float (regression), ids in file order (train,
 * then test), kind {@code table-classification} or {@code table-regression}, feature names when the format has
 * them.
 *
 * <p>Files are streamed; a first pass (whose bad rows are ignored, the second pass reports them) runs only when
 * something must be known before writing: the classes of a classification table without {@code classNames} (sorted
 * distinct labels of train and test) or the dimension of a LibSVM table without {@code numFeatures}. Bad rows
 * follow the {@link BadRecords} policy; a label that is none of the given classes is
 * {@link BadRecords#BAD_LABEL}. A train file without any good row fails.
 */
public final class TablePreparation implements Preparation {
    private static final Logger LOG = LoggerFactory.getLogger(TablePreparation.class);
    private final TableOptions options;
    private final BadRecords bad;
    private final String name;

    public TablePreparation(TableOptions options, BadRecords bad) {
        this.options = options;
        this.bad = bad;
        String base = new Path(options.train()).getName();
        this.name = options.name() != null ? options.name()
                : base.contains(".") ? base.substring(0, base.lastIndexOf('.')) : base;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Path> inputs(Configuration conf) {
        List<Path> files = new ArrayList<>();
        files.add(new Path(options.train()));
        if (options.test() != null) {
            files.add(new Path(options.test()));
        }
        for (Path p : files) {
            SourceFile.open(p, conf).close(); // fails naming a missing file
        }
        return files;
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("format", options.format().name().toLowerCase());
        s.put("task", options.task() == null ? "auto" : options.task().id());
        if (options.format() == TableOptions.Format.CSV) {
            s.put("labelColumn", options.labelColumn());
            s.put("featureColumns", options.featureColumns() == null ? "*" : String.join(",", options.featureColumns()));
            s.put("delimiter", String.valueOf(options.delimiter()));
        }
        if (options.format() == TableOptions.Format.LIBSVM) {
            s.put("numFeatures", options.numFeatures() == 0 ? "inferred" : Integer.toString(options.numFeatures()));
        }
        if (options.classNames() != null) {
            s.put("classNames", String.join(",", options.classNames()));
        }
        return s;
    }

    @Override
    public DatasetManifest prepare(SparkSession spark, String outPath) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        int dim;
        List<String> featureNames;
        TableTask task = options.task();
        int outputs = 0;
        try (TableReader probe = open(options.train(), options.numFeatures(), BadRecords.skipAll(), conf)) {
            dim = probe.numFeatures();
            featureNames = probe.featureNames();
            if (probe instanceof FannReader fann) {
                outputs = fann.numOutputs();
                if (task == null) {
                    task = outputs > 1 ? TableTask.CLASSIFICATION : TableTask.REGRESSION;
                }
                if (outputs > 1 && task == TableTask.REGRESSION) {
                    throw new BadInputException("FANN file " + options.train() + " has " + fann.numOutputs()
                            + " outputs per record; task regression needs exactly 1");
                }
            }
        }
        ClassIndex classes = null;
        if (task == TableTask.CLASSIFICATION && outputs > 1) {
            List<String> names = options.classNames();
            if (names != null && names.size() != outputs) {
                throw new BadInputException("classNames: " + names.size() + " names for the " + outputs
                        + " outputs of " + options.train());
            }
            classes = ClassIndex.of(names != null ? names : defaultNames(outputs));
        } else if (task == TableTask.CLASSIFICATION && options.classNames() != null) {
            classes = ClassIndex.of(options.classNames());
        }
        if ((task == TableTask.CLASSIFICATION && classes == null) || dim == 0) {
            Scan scan = scan(conf, task == TableTask.CLASSIFICATION && classes == null);
            if (classes == null && task == TableTask.CLASSIFICATION) {
                classes = ClassIndex.infer(scan.labels);
            }
            if (scan.rows == 0) {
                throw new BadInputException("table " + options.train() + (options.test() == null ? "" : " and "
                        + options.test()) + " have no usable rows (empty, or every row is bad)");
            }
            if (dim == 0) {
                dim = scan.maxIndex;
                if (dim == 0) {
                    throw new BadInputException("LibSVM file " + options.train() + " has no feature index in any good "
                            + "row: set numFeatures");
                }
            }
        }
        boolean regression = task == TableTask.REGRESSION;
        // the settings as given ("auto", "inferred"), so a rerun with the same config recognises this output; the
        // resolved task and dimension are the manifest's kind and featureShape
        Map<String, String> props = settings();
        DatasetDescription description = DatasetDescription.table(name, regression, dim)
                .withFeatureNames(featureNames)
                .withClassNames(classes == null ? null : classes.names())
                .withProperties(props)
                .withCreatedBy(BuildInfo.createdBy("TablePreparation"));
        LOG.info("preparing {} table {} ({}, {} features{}) into {}", options.format(), name, task.id(), dim,
                classes == null ? "" : ", " + classes.size() + " classes", outPath);
        List<DatasetManifest.Source> sources = new ArrayList<>();
        Rows train = new Rows(options.train(), dim, featureNames, classes, conf, sources);
        Rows test = new Rows(options.test(), dim, featureNames, classes, conf, sources);
        try {
            return PreparedDataset.write(spark, outPath, description, train, test, d -> {
                if (train.count == 0) {
                    throw new BadInputException("table " + options.train() + " has no usable rows");
                }
                return d.withSources(sources).withSkipReport(bad.report());
            });
        } finally {
            train.close();
            test.close();
        }
    }

    private static List<String> defaultNames(int k) {
        List<String> names = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    /** First pass: the distinct labels and the largest LibSVM index of the good rows of train and test. */
    private record Scan(Set<String> labels, int maxIndex, long rows) {
    }

    private Scan scan(Configuration conf, boolean labels) {
        Set<String> distinct = new LinkedHashSet<>();
        int maxIndex = 0;
        long rows = 0;
        for (String file : options.test() == null ? List.of(options.train()) : List.of(options.train(), options.test())) {
            try (TableReader r = open(file, options.numFeatures(), BadRecords.skipAll(), conf)) {
                for (TableRow row = r.next(); row != null; row = r.next()) {
                    rows++;
                    if (labels && row.label() != null && distinct.add(TableReader.canonicalLabel(row.label()))
                            && distinct.size() > ClassIndex.MAX_CLASSES) {
                        throw new BadInputException("table " + file + " has more than " + ClassIndex.MAX_CLASSES
                                + " distinct labels: is it a regression task? (set task: regression)");
                    }
                }
                if (r instanceof LibSvmReader l) {
                    maxIndex = Math.max(maxIndex, l.maxIndex());
                }
            }
        }
        return new Scan(distinct, maxIndex, rows);
    }

    private TableReader open(String file, int numFeatures, BadRecords policy, Configuration conf) {
        SourceFile source = SourceFile.open(new Path(file), conf);
        try {
            return switch (options.format()) {
                case CSV -> new CsvTableReader(source, options.delimiter(), options.labelColumn(),
                        options.featureColumns(), policy);
                case LIBSVM -> new LibSvmReader(source, numFeatures, policy);
                case FANN -> new FannReader(source, policy);
            };
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Second pass over one file: good rows as records, labels mapped; null file for an empty split. */
    private final class Rows implements Iterator<LabeledFeatures> {
        private final String file;
        private final int dim;
        private final List<String> featureNames;
        private final ClassIndex classes;
        private final Configuration conf;
        private final List<DatasetManifest.Source> sources;
        private TableReader reader;
        private LabeledFeatures next;
        private boolean done;
        long count;

        Rows(String file, int dim, List<String> featureNames, ClassIndex classes, Configuration conf,
             List<DatasetManifest.Source> sources) {
            this.file = file;
            this.dim = dim;
            this.featureNames = featureNames;
            this.classes = classes;
            this.conf = conf;
            this.sources = sources;
            this.done = file == null;
        }

        @Override
        public boolean hasNext() {
            while (next == null && !done) {
                if (reader == null) {
                    reader = open(file, dim, bad, conf);
                    if (reader.numFeatures() != dim || !Objects.equals(reader.featureNames(), featureNames)) {
                        throw new BadInputException("table " + file + " has other columns than " + options.train()
                                + ": " + (reader.featureNames() != null ? reader.featureNames() : reader.numFeatures())
                                + " vs " + (featureNames != null ? featureNames : dim));
                    }
                }
                TableRow row = reader.next();
                if (row == null) {
                    done = true;
                    sources.add(reader.finish());
                } else {
                    next = toRecord(row);
                }
            }
            return next != null;
        }

        @Override
        public LabeledFeatures next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            LabeledFeatures r = next;
            next = null;
            count++;
            return r;
        }

        /** The row as a record, or null (after reporting it) when its label is unusable. */
        private LabeledFeatures toRecord(TableRow row) {
            if (classes == null) {
                try {
                    return LabeledFeatures.regression(row.features(), TableReader.parse(row.label(), "target"));
                } catch (TableReader.BadValue e) {
                    bad.reject(e.reason, row.location(), e.getMessage());
                    return null;
                }
            }
            int label = row.classIndex() >= 0 ? row.classIndex() : classes.indexOf(row.label());
            if (label < 0) {
                bad.reject(BadRecords.BAD_LABEL, row.location(), "label '" + row.label() + "' is not one of the "
                        + classes.size() + " classes " + abbreviated(classes.names()));
                return null;
            }
            return new LabeledFeatures(row.features(), label);
        }

        void close() {
            if (reader != null) {
                reader.close();
            }
        }
    }

    private static String abbreviated(List<String> names) {
        return names.size() <= 10 ? names.toString() : names.subList(0, 10) + "...";
    }
}

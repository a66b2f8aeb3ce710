package org.sparktrain.data.sampling;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BuildInfo;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import scala.Tuple2;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

/**
 * Clustering-based sensitivity sampling as a Spark stage (Axiotis et al., ICML 2024, arXiv:2402.17327): selects m
 * records of a prepared dataset's {@code train} split by i.i.d. draws with p(x) = v(x) / Σ_y v(y)
 * ({@link SensitivityScores}) and writes them as a new prepared dataset whose {@code train} split carries
 * <pre>
 * id, features, label                 as in the source
 * weight        double   multiplicity(x) / (m·p(x)): Σ_rows weight·ℓ(x) is the spec's unbiased estimator of Σ_x ℓ(x)
 * multiplicity  int      how often x was drawn (duplicates merged into one row, ids stay unique)
 * probability   double   p(x)
 * cluster       int      x's k-means cluster (-1 for uniform)
 * </pre>
 * The baselines write the same columns: margin ({@link MarginSampling}) weight n/m, probability 1/n, cluster −1;
 * kcenter ({@link KCenterGreedy}) weight = the center's Voronoi cell size, probability = cell size / n, cluster = its
 * order of selection, and the covering radius as {@value #COVERING_RADIUS}.
 * The {@code test} split is copied unchanged. The manifest's properties describe the selection
 * ({@code selection.*}, including {@value #POPULATION_SIZE} = n, which training needs to turn the weights into an
 * unbiased estimate of the full-data mean loss); {@code selection.json} has the per-cluster details. Everything is
 * written atomically ({@link AtomicOutput}). Nothing proportional to n is collected on the driver: k representatives
 * and the m sorted draws are.
 */
public final class SensitivitySampling {
    public static final String WEIGHT = "weight";
    public static final String MULTIPLICITY = "multiplicity";
    public static final String PROBABILITY = "probability";
    public static final String CLUSTER = "cluster";
    public static final String SUMMARY_FILE = "selection.json";
    /** Manifest property: n, the number of records the selection was drawn from. */
    public static final String POPULATION_SIZE = "selection.populationSize";
    /** Manifest property of a kcenter selection: the covering radius max_x min_j ‖e_x − e_{c_j}‖. */
    public static final String COVERING_RADIUS = "selection.kcenter.radius";
    private static final Logger LOG = LoggerFactory.getLogger(SensitivitySampling.class);
    static final StructType DRAWN_SCHEMA = new StructType()
            .add(PreparedDataset.ID, DataTypes.LongType, false)
            .add(WEIGHT, DataTypes.DoubleType, false)
            .add(MULTIPLICITY, DataTypes.IntegerType, false)
            .add(PROBABILITY, DataTypes.DoubleType, false)
            .add(CLUSTER, DataTypes.IntegerType, false);

    private SensitivitySampling() {
    }

    /**
     * Selects from {@code source}'s train split and writes the weighted selection to {@code output}.
     *
     * @param model the trained model (ℓ at the representatives, and the {@code model} embedding), or null
     * @throws BadInputException for a missing or invalid source, k > n, an unwritable output
     */
    public static SelectionResult select(SparkSession spark, String source, String output, SelectionSettings s,
                                         SelectionModel model) {
        long start = System.nanoTime();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        DatasetManifest manifest = PreparedDataset.readManifest(source, conf);
        String embedding;
        try {
            embedding = s.embeddingFor(model != null);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("selection." + e.getMessage(), e);
        }
        AtomicOutput.checkWritable(output, conf);
        Dataset<Row> records = PreparedDataset.readSplit(spark, source, PreparedDataset.TRAIN);
        return select(spark, records, manifest, source, output, s, model, embedding, null, List.of(), true, start);
    }

    /**
     * Selects from given records instead of a prepared dataset's train split: the text-query selection of
     * {@code select} builds them (id, features = the query's sentence embedding, label 0, queryId) and clusters
     * their features as they are ({@code raw} embedding, recorded as {@code embeddingName}). The selection keeps the
     * {@code extraColumns} of the records and, unlike {@link #select(SparkSession, String, String, SelectionSettings,
     * SelectionModel)}, copies no other split of the source.
     *
     * @param manifest the manifest the selection's manifest derives from (kind, feature shape, properties)
     */
    public static SelectionResult selectRecords(SparkSession spark, Dataset<Row> records, DatasetManifest manifest,
                                                String source, String output, SelectionSettings s,
                                                SelectionModel model, String embeddingName,
                                                List<String> extraColumns) {
        long start = System.nanoTime();
        AtomicOutput.checkWritable(output, spark.sparkContext().hadoopConfiguration());
        return select(spark, records, manifest, source, output, s, model, SelectionSettings.RAW, embeddingName,
                extraColumns, false, start);
    }

    private static SelectionResult select(SparkSession spark, Dataset<Row> records, DatasetManifest manifest,
                                          String source, String output, SelectionSettings s, SelectionModel model,
                                          String embedding, String embeddingName, List<String> extraColumns,
                                          boolean copyOthers, long start) {
        long n = records.count();
        if (n == 0) {
            throw new BadInputException("prepared dataset " + source + ": split train is empty, nothing to select");
        }
        requireUniqueIds(records, source);
        long m = s.draws(n);
        int k = 0;
        SensitivityScores scores;
        if (SelectionSettings.MARGIN.equals(s.method())) {
            return selectByMargin(spark, records, manifest, source, output, s, model, n, m, start);
        }
        if (SelectionSettings.KCENTER.equals(s.method())) {
            return selectByKCenter(spark, records, manifest, source, output, s, model, embedding, n, m, start);
        }
        if (SelectionSettings.UNIFORM.equals(s.method())) {
            scores = SensitivityScores.uniform(records);
        } else if (SelectionSettings.LEVERAGE.equals(s.method())) {
            scores = LeverageScores.compute(records, manifest.featureSize(), "selection.method: leverage: "
                    + source + "/" + PreparedDataset.TRAIN);
        } else {
            try {
                k = s.clusters(n);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("selection." + e.getMessage() + " in " + source + "/train", e);
            }
            // the context-dependent defaults made explicit, so the summary records the values used
            s = s.resolvedFor(model != null, manifest.isRegression() ? 0 : manifest.numClasses(), k);
            scores = SensitivityScores.compute(records, k, s, embedding, manifest.featureSize(),
                    manifest.isRegression() ? 0 : manifest.numClasses(), model);
        }
        if (embeddingName != null) {
            scores = new SensitivityScores(scores.scored(), scores.clusters(), scores.kmeansCost(),
                    SelectionSettings.UNIFORM.equals(s.method()) ? scores.embedding() : embeddingName, scores.lambda());
        }
        try {
            InverseCdfSampler.PartitionMass masses = InverseCdfSampler.masses(scores.scored());
            double total = masses.total();
            Dataset<Row> drawn = drawnRows(spark, scores.scored(), masses, m, s.seed());
            List<org.apache.spark.sql.Column> columns = new ArrayList<>(List.of(col(PreparedDataset.ID),
                    col(PreparedDataset.FEATURES), col(PreparedDataset.LABEL), col(WEIGHT), col(MULTIPLICITY),
                    col(PROBABILITY), col(CLUSTER)));
            extraColumns.forEach(c -> columns.add(col(c)));
            Dataset<Row> selected = records.join(broadcast(drawn), PreparedDataset.ID)
                    .select(columns.toArray(new org.apache.spark.sql.Column[0]));
            return write(spark, selected, manifest, source, output, s, model, scores, n, m, k, total, start,
                    copyOthers, null);
        } finally {
            scores.release();
        }
    }

    /**
     * Fails with a {@link BadInputException} naming the dataset, the split and one duplicated id if two records of
     * {@code records} share an id (the selection merges draws by id, so ids must identify records). One Spark
     * aggregation; only the first duplicate found reaches the driver.
     */
    static void requireUniqueIds(Dataset<Row> records, String source) {
        List<Row> dup = records.groupBy(PreparedDataset.ID).count().filter(col("count").gt(1))
                .orderBy(PreparedDataset.ID).limit(1).collectAsList();
        if (!dup.isEmpty()) {
            throw new BadInputException("prepared dataset " + source + ": split " + PreparedDataset.TRAIN
                    + " has duplicate record ids (e.g. id " + dup.get(0).getLong(0) + " occurs " + dup.get(0).getLong(1)
                    + " times); selection needs every record to have its own id");
        }
    }

    /** Margin sampling ({@link MarginSampling}): the m smallest-margin records, each with weight n/m. */
    private static SelectionResult selectByMargin(SparkSession spark, Dataset<Row> records, DatasetManifest manifest,
                                                  String source, String output, SelectionSettings s,
                                                  SelectionModel model, long n, long m, long start) {
        if (m > n) {
            throw new BadInputException("selection.m: margin sampling selects distinct records, so m = " + m
                    + " must be at most n = " + n + " (" + source + "/train)");
        }
        if (manifest.isRegression()) {
            throw new BadInputException("selection.method: margin needs a classification dataset, " + source
                    + " is a regression table");
        }
        Dataset<Row> drawn = MarginSampling.drawnRows(spark, records, model, m, n);
        Dataset<Row> selected = records.join(broadcast(drawn), PreparedDataset.ID)
                .select(col(PreparedDataset.ID), col(PreparedDataset.FEATURES), col(PreparedDataset.LABEL),
                        col(WEIGHT), col(MULTIPLICITY), col(PROBABILITY), col(CLUSTER));
        SensitivityScores none = new SensitivityScores(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).emptyRDD(), List.of(), 0, "model-margin", 0);
        return write(spark, selected, manifest, source, output, s, model, none, n, m, 0, n, start, true, null);
    }

    /**
     * k-center greedy ({@link KCenterGreedy}): the m centers of the farthest-first traversal, each with its Voronoi
     * cell size as weight; the covering radius goes to the summary.
     */
    private static SelectionResult selectByKCenter(SparkSession spark, Dataset<Row> records, DatasetManifest manifest,
                                                   String source, String output, SelectionSettings s,
                                                   SelectionModel model, String embedding, long n, long m, long start) {
        if (m > n) {
            throw new BadInputException("selection.m: k-center greedy selects distinct records, so m = " + m
                    + " must be at most n = " + n + " (" + source + "/train)");
        }
        KCenterGreedy.Selection sel = KCenterGreedy.select(spark, records, s, embedding, manifest.featureSize(),
                model, m, n);
        Dataset<Row> selected = records.join(broadcast(sel.rows()), PreparedDataset.ID)
                .select(col(PreparedDataset.ID), col(PreparedDataset.FEATURES), col(PreparedDataset.LABEL),
                        col(WEIGHT), col(MULTIPLICITY), col(PROBABILITY), col(CLUSTER));
        SensitivityScores none = new SensitivityScores(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).emptyRDD(), List.of(), 0, embedding, 0);
        return write(spark, selected, manifest, source, output, s, model, none, n, m, 0, n, start, true,
                sel.centers().radius());
    }

    /** The drawn records as rows (id, weight, multiplicity, probability, cluster); one Spark job per action. */
    public static Dataset<Row> drawnRows(SparkSession spark, JavaRDD<ScoredRecord> scored,
                                         InverseCdfSampler.PartitionMass masses, long m, long seed) {
        double total = masses.total();
        JavaRDD<Row> rows = InverseCdfSampler.sample(scored, masses, m, seed).map(t -> row(t, total, m));
        return spark.createDataFrame(rows, DRAWN_SCHEMA);
    }

    private static Row row(Tuple2<ScoredRecord, Integer> t, double total, long m) {
        ScoredRecord r = t._1();
        int multiplicity = t._2();
        double p = r.mass() / total;
        return RowFactory.create(r.id(), multiplicity / (m * p), multiplicity, p, r.cluster());
    }

    private static SelectionResult write(SparkSession spark, Dataset<Row> selected, DatasetManifest manifest,
                                         String source, String output, SelectionSettings s, SelectionModel model,
                                         SensitivityScores scores, long n, long m, int k, double total, long start,
                                         boolean copyOthers, Double coveringRadius) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        try (AtomicOutput out = AtomicOutput.begin(output, conf)) {
            FileSystem fs = out.fileSystem();
            Path root = out.tempPath();
            int files = Math.max(1, spark.sparkContext().defaultParallelism());
            selected.coalesce(files).write().parquet(new Path(root, PreparedDataset.TRAIN).toString());

            Dataset<Row> written = spark.read().parquet(new Path(root, PreparedDataset.TRAIN).toString());
            Row stats = written.agg(org.apache.spark.sql.functions.count(col(PreparedDataset.ID)),
                    org.apache.spark.sql.functions.sum(col(MULTIPLICITY)),
                    org.apache.spark.sql.functions.min(col(WEIGHT)), org.apache.spark.sql.functions.max(col(WEIGHT)),
                    org.apache.spark.sql.functions.sum(col(WEIGHT))).first();
            long rows = stats.getLong(0);
            long draws = stats.getLong(1);
            if (draws != m) {
                throw new IllegalStateException("drew " + draws + " records, expected m = " + m);
            }
            Map<String, DatasetManifest.Split> splits = new LinkedHashMap<>();
            splits.put(PreparedDataset.TRAIN, new DatasetManifest.Split(rows, histogram(written, manifest)));
            if (copyOthers) {
                copyOtherSplits(manifest, source, root, fs, conf, splits);
            }

            SelectionResult result = new SelectionResult(s.method(), source, model == null ? null : model.description(),
                    scores.embedding(), n, m, rows, k, scores.lambda(), s.z(), s.seed(), total, scores.kmeansCost(),
                    stats.getDouble(2), stats.getDouble(3), stats.getDouble(4), (System.nanoTime() - start) / 1e9,
                    scores.clusters(), coveringRadius);
            Map<String, String> props = new LinkedHashMap<>(manifest.properties());
            props.putAll(properties(result, s));
            DatasetManifest selectedManifest = new DatasetManifest(DatasetManifest.FORMAT,
                    manifest.name() + "-" + s.method(), manifest.kind(), manifest.featureShape(),
                    manifest.featureNames(), manifest.numClasses(), manifest.classNames(), splits, null,
                    manifest.sources(), manifest.skipped(), manifest.skipReport(), props,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
                    BuildInfo.createdBy("SensitivitySampling"));
            PreparedDataset.writeManifest(fs, root, selectedManifest);
            try (FSDataOutputStream os = fs.create(new Path(root, SUMMARY_FILE), false)) {
                os.write(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(result));
            }
            out.commit();
            LOG.info("selection {} of {}: {} draws, {} distinct records of n = {}, k = {}, in {} s -> {}",
                    s.method(), source, m, rows, n, k, result.seconds(), out.target());
            return result;
        } catch (IOException e) {
            throw new BadInputException("cannot write the selection to " + output + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> properties(SelectionResult r, SelectionSettings s) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("selection.method", r.method());
        p.put("selection.source", r.source());
        p.put("selection.sourceSplit", PreparedDataset.TRAIN);
        if (r.model() != null) {
            p.put("selection.model", r.model());
        }
        p.put("selection.embedding", r.embedding());
        if (SelectionSettings.PCA.equals(r.embedding())) {
            p.put("selection.pcaDimensions", Integer.toString(s.pcaDimensions()));
        }
        p.put("selection.normalize", Boolean.toString(s.normalize()));
        p.put("selection.k", Integer.toString(r.k()));
        p.put("selection.m", Long.toString(r.m()));
        p.put("selection.lambda", Double.toString(r.lambda()));
        if (s.lambdaQuantile() != null) {
            p.put("selection.lambdaQuantile", Double.toString(s.lambdaQuantile()));
            p.put("selection.calibrationSize", Integer.toString(s.calibrationSize()));
        }
        p.put("selection.labelAware", Boolean.toString(Boolean.TRUE.equals(s.labelAware())));
        p.put("selection.uniformMix", Double.toString(s.uniformMix()));
        p.put("selection.z", Double.toString(r.z()));
        p.put("selection.seed", Long.toString(r.seed()));
        p.put(POPULATION_SIZE, Long.toString(r.populationSize()));
        p.put("selection.rows", Long.toString(r.rows()));
        p.put("selection.totalMass", Double.toString(r.totalMass()));
        p.put("selection.kmeansCost", Double.toString(r.kmeansCost()));
        p.put("selection.weightMin", Double.toString(r.weightMin()));
        p.put("selection.weightMax", Double.toString(r.weightMax()));
        p.put("selection.weightSum", Double.toString(r.weightSum()));
        if (r.coveringRadius() != null) {
            p.put(COVERING_RADIUS, Double.toString(r.coveringRadius()));
        }
        return p;
    }

    private static List<Long> histogram(Dataset<Row> written, DatasetManifest manifest) {
        if (manifest.isRegression() || manifest.numClasses() == 0) {
            return List.of();
        }
        long[] h = new long[manifest.numClasses()];
        for (Row r : written.groupBy(PreparedDataset.LABEL).count().collectAsList()) {
            h[((Number) r.get(0)).intValue()] = r.getLong(1);
        }
        List<Long> out = new ArrayList<>(h.length);
        for (long c : h) {
            out.add(c);
        }
        return out;
    }

    /** Copies every split except train (normally {@code test}) unchanged into the selection. */
    private static void copyOtherSplits(DatasetManifest manifest, String source, Path root, FileSystem fs,
                                        Configuration conf, Map<String, DatasetManifest.Split> splits)
            throws IOException {
        for (Map.Entry<String, DatasetManifest.Split> e : manifest.splits().entrySet()) {
            if (e.getKey().equals(PreparedDataset.TRAIN)) {
                continue;
            }
            Path from = new Path(source, e.getKey());
            FileSystem srcFs = from.getFileSystem(conf);
            if (!FileUtil.copy(srcFs, from, fs, new Path(root, e.getKey()), false, conf)) {
                throw new IOException("cannot copy split " + from);
            }
            splits.put(e.getKey(), e.getValue());
        }
    }
}

package org.sparktrain.jobs.grownet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.engine.optim.TensorLayout;
import org.sparktrain.zoo.grownet.FeatureScaling;
import org.sparktrain.zoo.grownet.GrowNetModel;
import org.sparktrain.zoo.grownet.GrowNetTask;
import org.sparktrain.zoo.grownet.QuantileNormalScaling;
import org.sparktrain.zoo.grownet.StandardScaling;
import org.sparktrain.zoo.grownet.WeakLearner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * GrowNet, gradient boosting with shallow neural networks, trained on Spark through sparktrain's engine.
 *
 * <p>Algorithm (Badirli et al., "Gradient Boosting Neural Networks: GrowNet", arXiv:2002.07971, 2020):
 * F_0 = c0 (mean(y), log(#pos/#neg), or mean((2^r − 1)/16) for ranking); α = boostRate. For stage k = 1..K:
 * <ol>
 *   <li>one pass over the data appends F_{k−1}(x) and φ_{k−1}(x) ({@link EnsembleColumns});</li>
 *   <li>a new {@link WeakLearner} f_k (input [x ; φ_{k−1}] for k &gt; 1) is fit to the Newton targets
 *       min Σ h (α f_k − ỹ)² with the configured optimizer (Adam(lr) by default) and L2 λ, data-parallel through
 *       the {@link TrainingEngine} ({@link StageTrainable});</li>
 *   <li>for k &gt; 1 (ranking: k &ge; 5) the fully corrective step trains all learners and α on the task loss with
 *       the same optimizer at lr/2 or lr/3 ({@link GrowNetParams#correctiveOptimizer}), also through the engine
 *       ({@link CorrectiveTrainable});</li>
 *   <li>at stages divisible by {@code halveEvery}, lr and λ are halved (also for later learners); optimizers that
 *       adapt their own step size keep theirs;</li>
 *   <li>with an optimizer that evaluates at an averaged point (schedule-free-*, dog, ldog), the BatchNorm running
 *       statistics of the trained learners are recomputed at that point ({@link PreciseBatchNorm}), since the
 *       engine collected them at the training point (not yet for ranking's packed query records);</li>
 *   <li>the validation metric (RMSE, AUC, or nDCG@5 with gain 2^r − 1) is computed; the best stage's ensemble is
 *       kept and training stops after {@code patience} stages without improvement.</li>
 * </ol>
 * Learning to rank ({@code task = ranking}, RankNet pairwise): the rows are documents with a query id column; each
 * query is packed whole into one engine record ({@link QueryPacking}), so a mini-batch of {@code batchSize} records
 * is that many whole queries and the pairwise g and h never miss a pair. Queries without two different labels are
 * dropped from training.
 * BatchNorm: synchronised over workers (global batch statistics), so W workers equal one worker on the same global
 * batch; running statistics are the engine's replicated global state ({@link RunningStatistics}). Features are
 * mapped by {@code featureScaling}, fitted on the training data and kept in the model: standardised with the training
 * mean and standard deviation, or rank-Gauss ({@link QuantileNormalScaling}). With D-Adaptation or Prodigy the step-size
 * estimate d is carried from phase to phase of the same kind unless {@code carryStepSize} is false
 * ({@link CarriedStepSize}). The training set is trimmed to a
 * multiple of {@code workers} records (at most workers − 1 dropped, the highest ids), so every worker has a
 * non-empty batch at every step. Never stops the SparkContext; repeated fits in one session are independent.
 * Record weights ({@link GrowNetParams#weightCol}, e.g. a selection's (R/n)·w_i): c_i multiplies every per-record
 * loss term of the stage fits and corrective steps, and weights c0, the feature standardisation and the BatchNorm
 * batch and running statistics, so an integer c_i trains like row i repeated c_i times; without a weight column the
 * code path is the unweighted one, unchanged.
 */
public final class GrowNet {
    private static final Logger LOG = LoggerFactory.getLogger(GrowNet.class);

    private final GrowNetParams params;

    public GrowNet(GrowNetParams params) {
        this.params = params;
    }

    public GrowNetParams params() {
        return params;
    }

    /**
     * Fits on {@code train}; {@code validation} (may be null: then the last stage is kept) chooses the number of
     * stages.
     */
    public GrowNetSparkModel fit(Dataset<Row> train, Dataset<Row> validation) {
        SparkSession spark = train.sparkSession();
        GrowNetTask task = params.taskType();
        long t0 = System.nanoTime();
        Dataset<Row> raw = canonical(train, "training data", params.weightCol());
        List<Row> stats = raw.javaRDD().map(r -> r).take(1);
        if (stats.isEmpty()) {
            throw new IllegalArgumentException("training data is empty");
        }
        int d = ((List<?>) stats.get(0).getList(1)).size();
        boolean weighted = params.weightCol() != null;
        double[] moments = weighted ? weightedMoments(raw, d, task) : raw.javaRDD().treeAggregate(new double[2 * d + 2], (acc, r) -> {
            List<Object> x = r.getList(1);
            for (int j = 0; j < d; j++) {
                double v = ((Number) x.get(j)).doubleValue();
                acc[j] += v;
                acc[d + j] += v * v;
            }
            acc[2 * d] += task.initialScoreTerm(r.getFloat(2));
            acc[2 * d + 1] += 1;
            return acc;
        }, (a, b) -> {
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
            return a;
        });
        long n = (long) moments[2 * d + 1];
        // the weight sum C (weighted) or the row count: the divisor of the feature moments and of c0
        double mass = weighted ? moments[2 * d + 2] : n;
        FeatureScaling scaling = params.featureScaling().equals("quantile") ? quantileScaling(raw, d)
                : standardScaling(moments, d, mass);
        int workers = params.workers();
        boolean ranking = task == GrowNetTask.RANKING;
        GrowNetModel model = new GrowNetModel(task, d, params.hidden(), scaling,
                weighted ? task.initialScore(moments[2 * d], mass) : task.initialScore(moments[2 * d], n),
                params.boostRate(), List.of());
        long kept;
        int width = 0; // documents per packed query record (ranking)
        Dataset<Row> prepared;
        Dataset<Row> val = null;
        if (ranking) {
            QueryPacking.Packed packed = QueryPacking.pack(spark, standardized(spark, raw, scaling), d, true,
                    workers);
            prepared = packed.data();
            width = packed.width();
            kept = packed.documents();
            if (validation != null) {
                val = QueryPacking.pack(spark, standardized(spark, canonical(validation, "validation data", null),
                        scaling), d, false, workers).data();
            }
            LOG.info("GrowNet RANKING: {} training documents, {} informative queries used ({} documents, at most {}"
                    + " per query), {} features, c0 = {}", n, packed.queries(), kept, width, d, model.initialScore());
        } else {
            kept = n - n % workers;
            prepared = standardized(spark, raw, scaling).filter(functions.col("id").lt(kept))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            prepared.count();
            if (validation != null) {
                val = standardized(spark, canonical(validation, "validation data", null), scaling)
                        .persist(StorageLevel.MEMORY_AND_DISK());
            }
            LOG.info("GrowNet {}: {} training records ({} used), {} features, c0 = {}{}", task, n, kept, d,
                    model.initialScore(), weighted ? ", record weights '" + params.weightCol() + "' summing to "
                            + mass : "");
        }

        String workDir = params.workDir() != null ? params.workDir()
                : new java.io.File(System.getProperty("java.io.tmpdir"), "sparktrain-grownet").toURI().toString();
        String runDir = workDir + "/fit-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectMapper json = new ObjectMapper();
        ObjectNode summary = json.createObjectNode();
        ArrayNode history = summary.putArray("stages");
        int halvings = 0;
        double l2 = params.l2();
        // PreciseBatchNorm reads one row per record; ranking packs a query per record
        boolean preciseBatchNorm = width == 0 && separateEvalPoint(params.optimizer());
        GrowNetModel best = model.copy();
        double bestMetric = Double.NaN;
        int bestStage = 0;
        Dataset<Row> scored = score(spark, prepared, model, d, width);
        boolean estimatesD = CarriedStepSize.applies(params.optimizer());
        boolean carry = params.carryStepSize() && estimatesD;
        double stageD = Double.NaN; // the last phases' step-size estimates (CarriedStepSize)
        double correctiveD = Double.NaN;
        try {
            for (int k = 1; k <= params.stages(); k++) {
                long s0 = System.nanoTime();
                OptimizerConfig stageOptimizer = params.stageOptimizer(halvings);
                if (carry && k > 1) {
                    stageOptimizer = CarriedStepSize.startingFrom(stageOptimizer, stageD);
                }
                TrainingResult fit = fitStage(spark, scored, model, k, stageOptimizer, l2, runDir, width);
                model.addLearner(learner(fit, model, k));
                if (estimatesD) {
                    stageD = CarriedStepSize.finalEstimate(stageOptimizer, fit);
                }
                if (preciseBatchNorm) {
                    PreciseBatchNorm.recompute(spark, prepared, model, k - 1, weighted);
                }
                if (params.correctiveStep() && k >= params.firstCorrectiveStage()) {
                    OptimizerConfig correctiveOptimizer = params.correctiveOptimizer(halvings);
                    if (carry && !Double.isNaN(correctiveD)) {
                        correctiveOptimizer = CarriedStepSize.startingFrom(correctiveOptimizer, correctiveD);
                    }
                    TrainingResult r = correct(spark, prepared, model, k, correctiveOptimizer, l2, runDir, width);
                    if (estimatesD) {
                        correctiveD = CarriedStepSize.finalEstimate(correctiveOptimizer, r);
                    }
                    if (preciseBatchNorm) {
                        PreciseBatchNorm.recompute(spark, prepared, model, 0, weighted);
                    }
                }
                if (k % params.halveEvery() == 0) {
                    halvings++;
                    l2 /= 2;
                }
                double metric = val == null ? Double.NaN : metric(spark, val, model, d);
                double seconds = (System.nanoTime() - s0) / 1e9;
                ObjectNode h = history.addObject();
                h.put("stage", k);
                h.put(metricName(), metric);
                h.put("boostRate", model.boostRate());
                if (estimatesD) { // the step-size estimates d at the end of this stage's phases
                    h.put("stageD", stageD);
                    h.put("correctiveD", correctiveD);
                }
                h.put("seconds", seconds);
                LOG.info("GrowNet stage {}: validation {} = {}, alpha = {}, {} s", k, metricName(), metric,
                        model.boostRate(), String.format("%.1f", seconds));
                if (val == null || bestStage == 0 || better(metric, bestMetric)) {
                    bestMetric = metric;
                    bestStage = k;
                    best = model.copy();
                }
                if (params.patience() > 0 && k - bestStage >= params.patience()) {
                    LOG.info("GrowNet: no better validation {} for {} stages; stopping at stage {}", metricName(),
                            params.patience(), k);
                    break;
                }
                if (k < params.stages()) {
                    Dataset<Row> next = score(spark, prepared, model, d, width);
                    scored.unpersist(false);
                    scored = next;
                }
            }
        } finally {
            scored.unpersist(false);
            prepared.unpersist(false);
            if (val != null) {
                val.unpersist(false);
            }
            delete(spark, runDir);
        }
        summary.put("metric", metricName());
        summary.put("bestStage", bestStage);
        summary.put("bestValidation", bestMetric);
        summary.put("trainSeconds", (System.nanoTime() - t0) / 1e9);
        summary.put("trainRecords", kept);
        if (weighted) {
            summary.put("weightCol", params.weightCol());
            summary.put("weightSum", mass);
        }
        return new GrowNetSparkModel(best, params.featuresCol(), params.predictionCol(), summary);
    }

    /**
     * Whether the optimizer evaluates at another point than it trains at (Schedule-Free's x, DoG's average), asked of
     * a one-parameter instance; then the BatchNorm running statistics are recomputed at that point after every phase.
     */
    static boolean separateEvalPoint(OptimizerConfig optimizer) {
        return optimizer.create(1, TensorLayout.single(1), 1).separateEvalPoint();
    }

    /** RMSE (regression, lower is better), AUC (binary) or nDCG@5 with gain 2^rel − 1 (ranking; higher is better). */
    public String metricName() {
        return switch (params.taskType()) {
            case BINARY -> "auc";
            case RANKING -> "ndcg@5";
            default -> "rmse";
        };
    }

    private boolean better(double metric, double best) {
        return params.taskType() == GrowNetTask.REGRESSION ? metric < best : metric > best;
    }

    private static Dataset<Row> score(SparkSession spark, Dataset<Row> prepared, GrowNetModel model, int d,
                                      int width) {
        return width > 0 ? EnsembleColumns.scorePacked(spark, prepared, model, d, width)
                : EnsembleColumns.score(spark, prepared, model, d);
    }

    private TrainingResult fitStage(SparkSession spark, Dataset<Row> scored, GrowNetModel model, int k,
                                    OptimizerConfig optimizer, double l2, String runDir, int width) {
        int d = model.inputs();
        int h = model.hidden();
        boolean stacked = k > 1;
        long seed = params.seed() * 1_000_003L + k;
        StageTrainable.Factory factory = new StageTrainable.Factory(model.task(), d, h, stacked, seed,
                model.boostRate(), params.secondOrder(), l2, width, params.weightCol() != null);
        int per = Math.max(width, 1); // packed query records hold K documents
        List<ColumnSpec> columns = new ArrayList<>(List.of(ColumnSpec.of(StageTrainable.X, d * per),
                ColumnSpec.of(StageTrainable.Y, per), ColumnSpec.of(StageTrainable.SCORE, per)));
        if (stacked) {
            columns.add(ColumnSpec.of(StageTrainable.PHI, h * per));
        }
        if (params.weightCol() != null) {
            columns.add(ColumnSpec.of(StageTrainable.W, 1));
        }
        if (width > 0) {
            columns.add(ColumnSpec.of(QueryPacking.N, 1));
        }
        return new TrainingEngine(spark, engine(params.epochsPerStage(), seed), optimizer)
                .train(new TrainingSpec("grownet-stage-" + k, runDir + "/stage-" + k, scored, "GrowNet training data",
                        columns, factory, factory.runningStatistics(), false, null, null));
    }

    /** Learner k from its stage fit: the optimizer's evaluation point and the BatchNorm running statistics. */
    private WeakLearner learner(TrainingResult r, GrowNetModel model, int k) {
        long seed = params.seed() * 1_000_003L + k;
        WeakLearner learner = WeakLearner.create(model.inputs(), model.hidden(), k > 1, seed,
                params.taskType() == GrowNetTask.RANKING);
        double[] p = RunningStatistics.toDoubles(r.evalParams());
        System.arraycopy(p, 0, learner.params(), 0, p.length);
        double[] running = RunningStatistics.toDoubles(r.state().globalState());
        System.arraycopy(running, 0, learner.running(), 0, running.length);
        return learner;
    }

    private TrainingResult correct(SparkSession spark, Dataset<Row> prepared, GrowNetModel model, int k,
                                   OptimizerConfig optimizer, double l2, String runDir, int width) {
        CorrectiveTrainable.Factory factory = new CorrectiveTrainable.Factory(model, params.learnBoostRate(), l2,
                width, params.weightCol() != null);
        long seed = params.seed() * 1_000_003L + 500_000 + k;
        int per = Math.max(width, 1);
        List<ColumnSpec> columns = new ArrayList<>(List.of(ColumnSpec.of(StageTrainable.X, model.inputs() * per),
                ColumnSpec.of(StageTrainable.Y, per)));
        if (params.weightCol() != null) {
            columns.add(ColumnSpec.of(StageTrainable.W, 1));
        }
        if (width > 0) {
            columns.add(ColumnSpec.of(QueryPacking.N, 1));
        }
        TrainingResult r = new TrainingEngine(spark, engine(params.correctiveEpochs(), seed), optimizer)
                .train(new TrainingSpec("grownet-corrective-" + k, runDir + "/corrective-" + k, prepared,
                        "GrowNet training data", columns, factory, factory.runningStatistics(), false, null, null));
        model.setFlatParams(RunningStatistics.toDoubles(r.evalParams()));
        model.setFlatRunning(RunningStatistics.toDoubles(r.state().globalState()));
        return r;
    }

    private EngineConfig engine(int epochs, long seed) {
        return new EngineConfig(params.workers(), EngineConfig.ALLREDUCE, 1, params.batchSize(), epochs, seed, 0, 1,
                1_000_000, 1, null, null, null);
    }

    private double metric(SparkSession spark, Dataset<Row> val, GrowNetModel model, int d) {
        if (model.task() == GrowNetTask.RANKING) {
            return EnsembleColumns.meanNdcg(val, model, d, 5);
        }
        Dataset<Row> s = EnsembleColumns.score(spark, val, model, d);
        try {
            if (model.task() == GrowNetTask.BINARY) {
                Dataset<Row> t = s.select(functions.col(StageTrainable.SCORE).cast("double").as("raw"),
                        functions.col(StageTrainable.Y).plus(1).divide(2).cast("double").as("label"));
                return new BinaryClassificationEvaluator().setRawPredictionCol("raw").setLabelCol("label")
                        .setMetricName("areaUnderROC").evaluate(t);
            }
            Dataset<Row> t = s.select(functions.col(StageTrainable.SCORE).cast("double").as("prediction"),
                    functions.col(StageTrainable.Y).cast("double").as("label"));
            return new RegressionEvaluator().setMetricName("rmse").evaluate(t);
        } finally {
            s.unpersist(false);
        }
    }

    /**
     * (id: long 0..n-1, x: array&lt;float&gt; raw, y: float canonical[, w: float record weight]) from the user's
     * columns; the weight column only when {@code weightCol} is not null.
     */
    private Dataset<Row> canonical(Dataset<Row> data, String what, String weightCol) {
        StructType schema = data.schema();
        if (weightCol != null && !java.util.Arrays.asList(schema.fieldNames()).contains(weightCol)) {
            throw new IllegalArgumentException(what + ": no weight column '" + weightCol + "' (weightCol) in "
                    + schema.simpleString());
        }
        int wi = weightCol == null ? -1 : schema.fieldIndex(weightCol);
        for (String c : List.of(params.featuresCol(), params.labelCol())) {
            if (!java.util.Arrays.asList(schema.fieldNames()).contains(c)) {
                throw new IllegalArgumentException(what + ": no column '" + c + "' in " + schema.simpleString());
            }
        }
        boolean ranking = params.taskType() == GrowNetTask.RANKING;
        if (ranking && !java.util.Arrays.asList(schema.fieldNames()).contains(params.queryCol())) {
            throw new IllegalArgumentException(what + ": no query column '" + params.queryCol() + "' in "
                    + schema.simpleString() + " (the ranking task needs one)");
        }
        int qi = ranking ? schema.fieldIndex(params.queryCol()) : -1;
        String qc = params.queryCol();
        int fi = schema.fieldIndex(params.featuresCol());
        int li = schema.fieldIndex(params.labelCol());
        String fc = params.featuresCol();
        String lc = params.labelCol();
        GrowNetTask task = params.taskType();
        JavaRDD<Row> rows = data.javaRDD().zipWithIndex().map(t -> {
            Row r = t._1();
            int w = FeatureRows.width(r, fi, fc);
            float[] x = new float[w];
            FeatureRows.copy(r, fi, fc, x, 0, w);
            Float[] boxed = new Float[w];
            for (int j = 0; j < w; j++) {
                if (!Float.isFinite(x[j])) {
                    throw new IllegalArgumentException(what + ": row " + t._2() + " has a non-finite value in '" + fc + "'");
                }
                boxed[j] = x[j];
            }
            if (r.isNullAt(li)) {
                throw new IllegalArgumentException(what + ": row " + t._2() + " has a null '" + lc + "'");
            }
            double y = task.canonicalLabel(((Number) r.get(li)).doubleValue(), what + " row " + t._2() + " column '" + lc + "'");
            if (wi >= 0) {
                Object c = r.isNullAt(wi) ? null : r.get(wi);
                double v = c instanceof Number num ? num.doubleValue() : Double.NaN;
                if (!(v >= 0) || !Double.isFinite((float) v)) {
                    throw new IllegalArgumentException(what + ": row " + t._2() + " has weight " + c + " in '"
                            + weightCol + "' (weightCol); record weights must be finite and >= 0");
                }
                return RowFactory.create(t._2(), boxed, (float) y, (float) v);
            }
            if (!ranking) {
                return RowFactory.create(t._2(), boxed, (float) y);
            }
            if (r.isNullAt(qi)) {
                throw new IllegalArgumentException(what + ": row " + t._2() + " has a null '" + qc + "'");
            }
            return RowFactory.create(t._2(), boxed, (float) y, String.valueOf(r.get(qi)));
        });
        StructType out = wi >= 0 ? prepSchema().add(StageTrainable.W, DataTypes.FloatType, false)
                : ranking ? prepSchema().add("query", DataTypes.StringType, false) : prepSchema();
        return data.sparkSession().createDataFrame(rows, out);
    }

    /**
     * Σ c·x, Σ c·x² (per feature), Σ c·term(y), the row count and C = Σ c over rows (id, x, y, c): the moments of
     * the data with row i repeated c_i times.
     */
    private static double[] weightedMoments(Dataset<Row> raw, int d, GrowNetTask task) {
        return raw.javaRDD().treeAggregate(new double[2 * d + 3], (acc, r) -> {
            List<Object> x = r.getList(1);
            double c = r.getFloat(3);
            for (int j = 0; j < d; j++) {
                double v = ((Number) x.get(j)).doubleValue();
                acc[j] += c * v;
                acc[d + j] += c * v * v;
            }
            acc[2 * d] += c * task.initialScoreTerm(r.getFloat(2));
            acc[2 * d + 1] += 1;
            acc[2 * d + 2] += c;
            return acc;
        }, (a, b) -> {
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
            return a;
        });
    }

    /** (x − mean)/sd with the training moments (scale 1 for a constant feature, which stays at 0 after centring). */
    private static FeatureScaling standardScaling(double[] moments, int d, double n) {
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = moments[j] / n;
            double var = Math.max(0, moments[d + j] / n - mean[j] * mean[j]);
            scale[j] = var > 1e-24 ? Math.sqrt(var) : 1.0;
        }
        return new StandardScaling(mean, scale);
    }

    /**
     * Rank-Gauss scaling with knots = the training quantiles at 0, 0.001, …, 1 of every feature, from Spark's
     * Greenwald-Khanna {@code approxQuantile} (relative rank error 1e-4) over one column per feature.
     */
    private static FeatureScaling quantileScaling(Dataset<Row> raw, int d) {
        int m = QuantileNormalScaling.DEFAULT_KNOTS;
        double[] probs = new double[m];
        for (int i = 0; i < m; i++) {
            probs[i] = i / (double) (m - 1);
        }
        org.apache.spark.sql.Column[] cols = new org.apache.spark.sql.Column[d];
        String[] names = new String[d];
        for (int j = 0; j < d; j++) {
            names[j] = "f" + j;
            cols[j] = functions.col(StageTrainable.X).getItem(j).cast("double").as(names[j]);
        }
        double[][] knots = raw.select(cols).stat().approxQuantile(names, probs, 1e-4);
        for (double[] q : knots) {
            for (int i = 1; i < q.length; i++) {
                q[i] = Math.max(q[i], q[i - 1]); // guard: monotone knots
            }
        }
        return new QuantileNormalScaling(knots);
    }

    private static Dataset<Row> standardized(SparkSession spark, Dataset<Row> raw, FeatureScaling scaling) {
        int d = scaling.inputs();
        JavaRDD<Row> rows = raw.javaRDD().map(r -> {
            List<Object> x = r.getList(1);
            if (x.size() != d) {
                throw new IllegalArgumentException("record " + r.getLong(0) + " has " + x.size() + " features, expected " + d);
            }
            Float[] z = new Float[d];
            for (int j = 0; j < d; j++) {
                z[j] = (float) scaling.apply(j, ((Number) x.get(j)).doubleValue());
            }
            if (r.length() > 3) { // ranking: keep the query key; weighted: keep the weight
                return RowFactory.create(r.getLong(0), z, r.getFloat(2), r.get(3));
            }
            return RowFactory.create(r.getLong(0), z, r.getFloat(2));
        });
        return spark.createDataFrame(rows, raw.schema());
    }

    private static StructType prepSchema() {
        return new StructType().add("id", DataTypes.LongType, false)
                .add(StageTrainable.X, DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(StageTrainable.Y, DataTypes.FloatType, false);
    }

    private static void delete(SparkSession spark, String dir) {
        try {
            Path p = new Path(dir);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            fs.delete(p, true);
        } catch (IOException e) {
            LOG.warn("could not delete GrowNet work directory {}", dir, e);
        }
    }
}

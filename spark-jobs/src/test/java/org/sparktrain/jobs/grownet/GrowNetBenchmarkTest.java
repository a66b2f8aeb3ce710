package org.sparktrain.jobs.grownet;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;
import org.sparktrain.data.table.FannReader;
import org.sparktrain.data.table.TableRow;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.testing.SharedSpark;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GrowNet against XGBoost4J on the FANN datasets of Debian's libfann-doc (census-house: regression, RMSE;
 * mushroom: binary, AUC), with the paper's ablations. Off by default; run with
 * {@code mvn -B -o -pl model-zoo,spark-jobs -am test -Dtest=GrowNetBenchmarkTest -Dgrownet.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false} (datasets from {@code -Dgrownet.fann=DIR}, default
 * {@code /usr/share/doc/libfann-dev/examples/datasets}). Writes {@code docs/benchmarks-grownet.md}.
 *
 * <p>Splits: the {@code .train} file's every 10th record (index mod 10 == 0) is the validation set (stage choice
 * and XGBoost early stopping), the rest trains; the {@code .test} file is the test set. Same splits for all methods.
 */
@ExtendWith(SharedSpark.class)
class GrowNetBenchmarkTest {
    private static final double LR = Double.parseDouble(System.getProperty("grownet.lr", "0.01"));
    private static final int EPOCHS = Integer.getInteger("grownet.epochsPerStage", 1);
    private static final String DIR = System.getProperty("grownet.fann", "/usr/share/doc/libfann-dev/examples/datasets");

    record Split(List<float[]> x, List<Float> y) {
    }

    record Result(String dataset, String method, double metric, double seconds, int stages) {
    }

    @Test
    void grownetVersusXgboost(SparkSession spark) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("grownet.bench"), "set -Dgrownet.bench=true to run the benchmark");
        List<Result> results = new ArrayList<>();
        int stages = Integer.getInteger("grownet.stages", 3);
        run(spark, "census-house", "regression", stages, results);
        run(spark, "mushroom", "binary", Math.max(1, stages - 1), results);
        write(results, stages);
    }

    private void run(SparkSession spark, String name, String task, int stages, List<Result> results) throws Exception {
        Split[] trainVal = read(DIR + "/" + name + ".train", true);
        Split test = read(DIR + "/" + name + ".test", false)[0];
        Dataset<Row> train = frame(spark, trainVal[0]);
        Dataset<Row> val = frame(spark, trainVal[1]);
        Dataset<Row> testDf = frame(spark, test);
        boolean binary = task.equals("binary");

        Result xgb = xgboost(name, binary, trainVal[0], trainVal[1], test);
        results.add(xgb);
        System.out.println(xgb);
        GrowNetParams base = new GrowNetParams(task, binary ? 16 : 32, stages, OptimizerConfig.of("adam", LR), 0.0, 256, EPOCHS, 1, null, null,
                null, null, null, binary ? 3 : 5, 2, 42L, null, null, null, null);
        Map<String, GrowNetParams> variants = new LinkedHashMap<>();
        variants.put("GrowNet", base);
        if (binary) { // for the squared loss the Newton target equals the first-order one (h = 1)
            variants.put("GrowNet, first-order", base.withAblation(false, true, true));
        }
        variants.put("GrowNet, constant boost rate", base.withAblation(true, false, true));
        variants.put("GrowNet, no corrective step", base.withAblation(true, true, false));
        for (Map.Entry<String, GrowNetParams> v : variants.entrySet()) {
            long t0 = System.nanoTime();
            GrowNetSparkModel model = new GrowNet(v.getValue()).fit(train, val);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double metric = evaluate(spark, binary, model.transform(testDf), model.predictionCol());
            Result r = new Result(name, v.getKey(), metric, seconds, model.summary().get("bestStage").asInt());
            System.out.println(r);
            results.add(r);
        }
    }

    private static Result xgboost(String name, boolean binary, Split train, Split val, Split test) throws Exception {
        long t0 = System.nanoTime();
        DMatrix dtrain = matrix(train);
        DMatrix dval = matrix(val);
        Map<String, Object> p = new HashMap<>();
        p.put("objective", binary ? "binary:logistic" : "reg:squarederror");
        p.put("eval_metric", binary ? "auc" : "rmse");
        p.put("eta", 0.05);
        p.put("max_depth", 7);
        p.put("lambda", 0.02);
        p.put("tree_method", "hist");
        p.put("nthread", 2);
        p.put("seed", 42);
        Map<String, DMatrix> watches = new LinkedHashMap<>();
        watches.put("validation", dval);
        Booster booster = XGBoost.train(dtrain, p, 800, watches, null, null, null, 50);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String best = booster.getAttr("best_iteration");
        int bestIteration = best == null ? 799 : Integer.parseInt(best);
        int d = test.x().get(0).length;
        float[] flat = flatten(test);
        float[][] pred = booster.inplace_predict(flat, test.x().size(), d, Float.NaN, new int[]{0, bestIteration + 1});
        double[] scores = new double[pred.length];
        for (int i = 0; i < pred.length; i++) {
            scores[i] = pred[i][0];
        }
        double metric = binary ? auc(scores, test.y()) : rmse(scores, test.y());
        return new Result(name, "XGBoost4J (hist, depth 7, eta 0.05, early stopping 50)", metric, seconds,
                bestIteration + 1);
    }

    static double evaluate(SparkSession spark, boolean binary, Dataset<Row> scored, String col) {
        if (binary) {
            return new BinaryClassificationEvaluator().setRawPredictionCol(col).setLabelCol("label")
                    .setMetricName("areaUnderROC").evaluate(scored);
        }
        return new RegressionEvaluator().setPredictionCol(col).setLabelCol("label").setMetricName("rmse")
                .evaluate(scored);
    }

    /** Area under the ROC curve by the rank-sum formula (ties get average ranks). */
    static double auc(double[] s, List<Float> y) {
        Integer[] idx = new Integer[s.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(s[a], s[b]));
        double rankSum = 0;
        long pos = 0;
        for (int i = 0; i < idx.length; ) {
            int j = i;
            while (j + 1 < idx.length && s[idx[j + 1]] == s[idx[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (y.get(idx[k]) > 0.5f) {
                    rankSum += avg;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = s.length - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    static double rmse(double[] s, List<Float> y) {
        double sum = 0;
        for (int i = 0; i < s.length; i++) {
            double r = s[i] - y.get(i);
            sum += r * r;
        }
        return Math.sqrt(sum / s.length);
    }

    private static DMatrix matrix(Split s) throws Exception {
        DMatrix m = new DMatrix(flatten(s), s.x().size(), s.x().get(0).length, Float.NaN);
        float[] y = new float[s.y().size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = s.y().get(i);
        }
        m.setLabel(y);
        return m;
    }

    private static float[] flatten(Split s) {
        int d = s.x().get(0).length;
        float[] out = new float[s.x().size() * d];
        for (int i = 0; i < s.x().size(); i++) {
            System.arraycopy(s.x().get(i), 0, out, i * d, d);
        }
        return out;
    }

    /** Reads a FANN file with sparktrain's FannReader; one-hot outputs become class index 0/1 (mushroom). */
    static Split[] read(String file, boolean splitValidation) {
        Split a = new Split(new ArrayList<>(), new ArrayList<>());
        Split b = new Split(new ArrayList<>(), new ArrayList<>());
        try (FannReader reader = new FannReader(SourceFile.open(new org.apache.hadoop.fs.Path("file://" + file),
                new Configuration()), BadRecords.failFast())) {
            int i = 0;
            for (TableRow r = reader.next(); r != null; r = reader.next(), i++) {
                float y = r.label() != null ? Float.parseFloat(r.label()) : r.classIndex();
                Split target = splitValidation && i % 10 == 0 ? b : a;
                target.x().add(r.features());
                target.y().add(y);
            }
        }
        return new Split[]{a, b};
    }

    static Dataset<Row> frame(SparkSession spark, Split s) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < s.x().size(); i++) {
            float[] x = s.x().get(i);
            Float[] boxed = new Float[x.length];
            for (int j = 0; j < x.length; j++) {
                boxed[j] = x[j];
            }
            rows.add(RowFactory.create((Object) boxed, (double) s.y().get(i)));
        }
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.DoubleType, false);
        return spark.createDataFrame(rows, schema).repartition(2).cache();
    }

    private static void write(List<Result> results, int stages) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# GrowNet vs XGBoost4J benchmark\n\n");
        md.append("Written by `GrowNetBenchmarkTest` on ").append(java.time.LocalDate.now()).append(", machine: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores shared with other jobs, Spark ")
                .append("local[2] (2 engine workers, allreduce), Java ").append(System.getProperty("java.version"))
                .append(".\n\nCommand: `mvn -B -o -pl model-zoo,spark-jobs -am test -Dtest=GrowNetBenchmarkTest "
                        + "-Dgrownet.bench=true -Dgrownet.stages=").append(stages).append(" -Dgrownet.lr=").append(LR)
                .append(" -Dgrownet.epochsPerStage=").append(EPOCHS)
                .append(" -Dsurefire.failIfNoSpecifiedTests=false`\n\n");
        md.append("Data: Debian libfann-doc FANN files; validation = every 10th record of `.train`, training = the "
                + "rest, test = `.test`. Metric on the test file at the best validation stage (GrowNet) or the best "
                + "iteration (XGBoost early stopping). GrowNet: H = 32 (census) / 16 (mushroom), batch 256, ").append(EPOCHS)
                .append(" epoch(s) per stage, 1 corrective epoch, Adam lr ").append(LR).append(", at most ").append(stages)
                .append(" stages (mushroom ").append(Math.max(1, stages - 1)).append("), patience 5 / 3.\n\n");
        md.append("| dataset | method | test metric | stages / trees | training s | time / XGBoost |\n");
        md.append("|---|---|---|---|---|---|\n");
        Map<String, Double> xgbTime = new HashMap<>();
        for (Result r : results) {
            if (r.method().startsWith("XGBoost")) {
                xgbTime.put(r.dataset(), r.seconds());
            }
        }
        for (Result r : results) {
            String metric = r.dataset().equals("mushroom") ? "AUC" : "RMSE";
            md.append(String.format(Locale.ROOT, "| %s | %s | %s %.5f | %d | %.1f | %.1fx |%n", r.dataset(), r.method(),
                    metric, r.metric(), r.stages(), r.seconds(), r.seconds() / xgbTime.get(r.dataset())));
        }
        Path out = Path.of(System.getProperty("grownet.benchOut", "../docs/benchmarks-grownet.md"));
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.println(md);
    }
}

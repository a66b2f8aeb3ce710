package org.sparktrain.jobs.grownet;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.sparktrain.engine.FlatUpdater;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.zoo.grownet.GrowNetModel;
import org.sparktrain.zoo.grownet.GrowNetTask;
import org.sparktrain.zoo.grownet.Ndcg;
import org.sparktrain.zoo.grownet.ObjectiveResult;
import org.sparktrain.zoo.grownet.PairwiseRankNet;
import org.sparktrain.zoo.grownet.Reducer;
import org.sparktrain.zoo.grownet.StageObjective;
import org.sparktrain.zoo.grownet.WeakLearner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GrowNet learning to rank on Spark: each query packed whole into one engine record. A one-worker engine stage fit
 * equals a single-machine replay that computes RankNet targets query by query; 2 workers equal 1 worker over 5
 * stages (the corrective step starts at stage 5); a fit ranks held-out queries well.
 */
@ExtendWith(SharedSpark.class)
class GrowNetRankingSparkTest {
    private static final int D = 4;

    @Test
    void oneWorkerStageFitEqualsSingleMachineReplayWithWholeQueries(SparkSession spark, @TempDir Path tmp) {
        int h = 5;
        int steps = 3;
        double lr = 0.01;
        double l2 = 1e-3;
        Dataset<Row> train = data(spark, 10, 21, true);
        int queries = 10; // informative; the two uninformative ones are dropped
        GrowNetParams p = new GrowNetParams("ranking", h, 1, OptimizerConfig.of("adam", lr), l2, queries, steps, 1, null, null, null, null, null,
                0, 1, 9L, null, null, null, tmp.toUri().toString(), "qid", null, null);
        GrowNetModel fitted = new GrowNet(p).fit(train, null).model();

        // single machine: standardise over all documents, group by query key (sorted), documents in input order
        List<Row> rows = train.collectAsList();
        int n = rows.size();
        double[] mean = new double[D];
        double[] sq = new double[D];
        double c0Sum = 0;
        for (Row r : rows) {
            List<Object> x = r.getList(0);
            for (int j = 0; j < D; j++) {
                double v = (float) ((Number) x.get(j)).doubleValue();
                mean[j] += v;
                sq[j] += v * v;
            }
            c0Sum += (Math.pow(2, r.getDouble(1)) - 1) / 16;
        }
        double[] scale = new double[D];
        for (int j = 0; j < D; j++) {
            mean[j] /= n;
            scale[j] = Math.sqrt(sq[j] / n - mean[j] * mean[j]);
        }
        double c0 = c0Sum / n;
        Map<String, List<Row>> byQuery = new TreeMap<>();
        rows.forEach(r -> byQuery.computeIfAbsent(r.getString(2), k -> new ArrayList<>()).add(r));
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (List<Row> q : byQuery.values()) {
            if (q.size() < 2 || q.stream().allMatch(r -> r.getDouble(1) == q.get(0).getDouble(1))) {
                continue;
            }
            for (Row r : q) {
                List<Object> f = r.getList(0);
                double[] z = new double[D];
                for (int j = 0; j < D; j++) {
                    z[j] = (float) (((float) ((Number) f.get(j)).doubleValue() - mean[j]) / scale[j]);
                }
                xs.add(z);
                ys.add(r.getDouble(1));
            }
            starts.add(xs.size());
        }
        assertEquals(queries + 1, starts.size());
        int m = xs.size();
        double[] x = new double[m * D];
        double[] y = new double[m];
        double[] score = new double[m];
        for (int i = 0; i < m; i++) {
            System.arraycopy(xs.get(i), 0, x, i * D, D);
            y[i] = ys.get(i);
            score[i] = (float) c0;
        }
        int[] st = starts.stream().mapToInt(Integer::intValue).toArray();
        double[] target = new double[m];
        double[] weight = new double[m];
        PairwiseRankNet.targets(score, y, st, true, target, weight);
        WeakLearner w = WeakLearner.create(D, h, false, 9L * 1_000_003L + 1, true);
        INDArray params = Nd4j.createFromArray(RunningStatistics.toFloats(w.params())).reshape(1, w.params().length);
        FlatUpdater adam = new FlatUpdater(new Adam(lr, 0.9, 0.999, 1e-8), params.length());
        for (int s = 0; s < steps; s++) { // all queries in one batch: one step per epoch
            double[] theta = RunningStatistics.toDoubles(params.toFloatVector());
            System.arraycopy(theta, 0, w.params(), 0, theta.length);
            ObjectiveResult r = StageObjective.compute(w, 1.0, x, null, m, target, weight, Reducer.LOCAL);
            double[] g = r.gradient();
            for (int i = 0; i < g.length; i++) {
                g[i] += l2 * m * theta[i];
            }
            INDArray mean1 = Nd4j.createFromArray(RunningStatistics.toFloats(g)).reshape(params.shape()).divi(m);
            adam.step(params, mean1, s, s);
        }
        float[] local = params.toFloatVector();
        double[] engine = fitted.learner(0).params();
        double max = 0;
        for (int i = 0; i < local.length; i++) {
            max = Math.max(max, Math.abs(local[i] - engine[i]));
        }
        assertEquals(0.0, max, 1e-5, "largest parameter difference");
        assertEquals(c0, fitted.initialScore(), 1e-12);
        assertEquals(GrowNetTask.RANKING, fitted.task());
    }

    @Test
    void twoWorkersEqualOneWorkerAndHeldOutQueriesRankWell(SparkSession spark, @TempDir Path tmp) {
        int queries = 40;
        Dataset<Row> train = data(spark, queries, 5, false);
        Dataset<Row> validation = data(spark, 20, 6, false);
        // full batch: all 40 queries in every step, for 1 and for 2 workers; 5 stages so the corrective step runs
        GrowNetParams p = new GrowNetParams("ranking", 8, 5, OptimizerConfig.of("adam", 0.08), 1e-4, queries, 4, 1, null, null, null, null, null,
                0, 1, 3L, null, null, null, tmp.toUri().toString(), "qid", null, null);
        GrowNetSparkModel one = new GrowNet(p).fit(train, validation);
        GrowNetSparkModel two = new GrowNet(p.withWorkers(2)).fit(train, validation);
        double[] a = one.model().flatParams();
        double[] b = two.model().flatParams();
        assertEquals(a.length, b.length);
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
        }
        assertTrue(maxDiff < 1e-4, "parameters differ by up to " + maxDiff);
        assertEquals(5, one.summary().get("stages").size());
        for (int k = 0; k < 4; k++) {
            assertEquals(1.0, one.summary().get("stages").get(k).get("boostRate").asDouble(), 0,
                    "no corrective step before stage 5");
        }
        assertTrue(one.summary().get("stages").get(4).get("boostRate").asDouble() != 1.0,
                "the corrective step at stage 5 trained the boost rate");

        // held-out queries: nDCG@5 by the model's transform, recomputed here, beats the input order
        List<Row> scored = one.transform(validation).collectAsList();
        Map<String, List<Row>> byQuery = new LinkedHashMap<>();
        scored.forEach(r -> byQuery.computeIfAbsent(r.getString(2), k -> new ArrayList<>()).add(r));
        double model = 0;
        double input = 0;
        int counted = 0;
        for (List<Row> q : byQuery.values()) {
            double[] s = new double[q.size()];
            double[] rel = new double[q.size()];
            for (int i = 0; i < q.size(); i++) {
                s[i] = q.get(i).getDouble(3);
                rel[i] = q.get(i).getDouble(1);
                List<Object> f = q.get(i).getList(0);
                float[] fx = new float[D];
                for (int j = 0; j < D; j++) {
                    fx[j] = ((Number) f.get(j)).floatValue();
                }
                assertEquals(one.model().score(fx), s[i], 1e-9, "transform = plain-JVM score");
            }
            double v = Ndcg.at(s, rel, 0, s.length, 5);
            if (!Double.isNaN(v)) {
                model += v;
                input += Ndcg.at(new double[s.length], rel, 0, s.length, 5);
                counted++;
            }
        }
        model /= counted;
        input /= counted;
        System.out.printf("held-out nDCG@5: GrowNet %.4f, input order %.4f%n", model, input);
        assertEquals(model, one.summary().get("bestValidation").asDouble(), 1e-6,
                "the fit's validation nDCG@5 at the kept stage equals the recomputation");
        assertTrue(model > 0.9 && model > input + 0.1, "validation nDCG@5 " + model + " vs input order " + input);
        assertFalse(spark.sparkContext().isStopped());
    }

    @Test
    void rankingWithoutAQueryColumnIsRefused(SparkSession spark, @TempDir Path tmp) {
        Dataset<Row> train = data(spark, 4, 1, false).drop("qid");
        GrowNetParams p = new GrowNetParams("ranking", 4, 1, OptimizerConfig.of("adam", 0.01), null, 4, 1, 1, null, null, null, null, null,
                0, 1, 3L, null, null, null, tmp.toUri().toString(), "qid", null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GrowNet(p).fit(train, null));
        assertTrue(e.getMessage().contains("qid"), e.getMessage());
    }

    /**
     * Queries "q00".. with 2..6 documents each (relevance 2 for the best document by x0 + x1, 1 for the second,
     * 0 for the rest), in shuffled document order; with {@code uninformative}, two more queries that must be
     * dropped: one with a single document, one whose documents all have relevance 0.
     */
    static Dataset<Row> data(SparkSession spark, int queries, long seed, boolean uninformative) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (int q = 0; q < queries; q++) {
            int m = 2 + q % 5;
            double[][] x = new double[m][D];
            double[] truth = new double[m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < D; j++) {
                    x[i][j] = rng.nextDouble() * 2 - 1;
                }
                truth[i] = x[i][0] + x[i][1];
            }
            for (int i = 0; i < m; i++) {
                int better = 0;
                for (int k = 0; k < m; k++) {
                    if (truth[k] > truth[i]) {
                        better++;
                    }
                }
                rows.add(row(x[i], better == 0 ? 2 : better == 1 ? 1 : 0, String.format("q%02d", q)));
            }
        }
        if (uninformative) {
            rows.add(row(new double[]{0.1, 0.2, 0.3, 0.4}, 2, "u1"));
            for (int i = 0; i < 3; i++) {
                rows.add(row(new double[]{i, -i, 0.5, 0}, 0, "u2"));
            }
        }
        java.util.Collections.shuffle(rows, new java.util.Random(seed));
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
                .add("label", DataTypes.DoubleType, false)
                .add("qid", DataTypes.StringType, false);
        return spark.createDataFrame(rows, schema);
    }

    private static Row row(double[] x, double rel, String qid) {
        Double[] boxed = new Double[x.length];
        for (int j = 0; j < x.length; j++) {
            boxed[j] = x[j];
        }
        return RowFactory.create(boxed, rel, qid);
    }
}

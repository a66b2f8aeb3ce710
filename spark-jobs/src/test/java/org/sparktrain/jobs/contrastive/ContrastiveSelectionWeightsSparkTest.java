package org.sparktrain.jobs.contrastive;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.testing.TestData;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.jobs.contrastive.ContrastiveEngineSparkTest.SHAPE;
import static org.sparktrain.jobs.contrastive.ContrastiveEngineSparkTest.recordStates;

/**
 * {@code train-contrastive} on a selection, on the engine (docs/selection.md): the weight column reaches
 * {@link ContrastiveTrainable} as a batch column and multiplies each anchor's whole term by c_i = s·w_i.
 * (a) With non-uniform weights (one of them 0), 2 workers equal 1 worker on the same global batch for simclr (the
 * factors are all-gathered) and iSogCLR (each worker weights its own block; sogclr shares that path), and the
 * weights change training;
 * (b) a weight column of ones with scale 1 trains bit-identically to no weight column (parameters and per-record
 * state); (c) one step of iSogCLR writes the same per-record state (u_i, b_i, τ_i, m_i) with and without weights.
 */
@ExtendWith(SharedSpark.class)
class ContrastiveSelectionWeightsSparkTest {
    static final int N = 16;

    static ContrastiveFactory factory(String method, String weightColumn, double scale) {
        ContrastiveFactory f = ContrastiveEngineSparkTest.factory(method);
        return new ContrastiveFactory(f.method(), f.shape(), f.model(), f.augmentation(), f.loss(), f.seed(),
                weightColumn, scale);
    }

    /** The blobs with a weight column: w = 0.25 + 0.5·(id mod 5), except record 3 with weight 0; or all ones. */
    static Dataset<Row> data(SparkSession spark, boolean ones) {
        Dataset<Row> blobs = TestData.blobs(spark, N, SHAPE.size(), 3, 1);
        return blobs.withColumn("weight", ones ? functions.lit(1.0)
                : functions.when(functions.col("id").equalTo(3), functions.lit(0.0))
                .otherwise(functions.lit(0.25).plus(functions.col("id").mod(5).multiply(0.5))));
    }

    static TrainingResult train(SparkSession spark, Path dir, ContrastiveFactory f, Dataset<Row> data, int workers,
                                int epochs) {
        EngineConfig cfg = new EngineConfig(workers, "allreduce", 1, N, epochs, 5L, 2, 2, 1, 1, 60, 10, 2);
        List<ColumnSpec> columns = new ArrayList<>(List.of(ColumnSpec.of("features", SHAPE.size())));
        if (f.weightColumn() != null) {
            columns.add(ColumnSpec.of(f.weightColumn(), 1));
        }
        TrainingSpec spec = new TrainingSpec("weighted", dir.toString(), data, "blobs", columns, f, f.algorithmState(),
                false, null, null);
        return new TrainingEngine(spark, cfg, OptimizerConfig.of("adam", 0.01)).train(spec);
    }

    @Test
    void weightedTwoWorkersEqualOneWorkerAndWeightsChangeTraining(SparkSession spark, @TempDir Path dir) {
        Dataset<Row> weighted = data(spark, false);
        for (String method : List.of(TrainContrastiveConfig.SIMCLR, TrainContrastiveConfig.ISOGCLR)) {
            ContrastiveFactory f = factory(method, "weight", 0.8);
            TrainingResult one = train(spark, dir.resolve(method + "-1"), f, weighted, 1, 3);
            TrainingResult two = train(spark, dir.resolve(method + "-2"), f, weighted, 2, 3);
            TrainingResult plain = train(spark, dir.resolve(method + "-plain"), factory(method, null, 1), weighted, 2,
                    3);
            double differs = 0;
            for (int i = 0; i < one.state().params().length; i++) {
                assertEquals(one.state().params()[i], two.state().params()[i], 2e-5, method + " parameter " + i);
                differs = Math.max(differs, Math.abs(two.state().params()[i] - plain.state().params()[i]));
            }
            assertTrue(differs > 1e-4, method + ": the weights change training, max difference " + differs);
        }
    }

    @Test
    void unitWeightsTrainBitIdenticallyToNoWeightColumn(SparkSession spark, @TempDir Path dir) {
        Dataset<Row> ones = data(spark, true);
        for (String method : List.of(TrainContrastiveConfig.SIMCLR, TrainContrastiveConfig.ISOGCLR)) {
            TrainingResult w = train(spark, dir.resolve(method + "-w"), factory(method, "weight", 1.0), ones, 2, 3);
            TrainingResult p = train(spark, dir.resolve(method + "-p"), factory(method, null, 1.0), ones, 2, 3);
            assertArrayEquals(p.state().params(), w.state().params(), 0f, method);
            if (method.equals(TrainContrastiveConfig.ISOGCLR)) {
                float[][] a = recordStates(spark, dir.resolve(method + "-w"));
                float[][] b = recordStates(spark, dir.resolve(method + "-p"));
                for (int i = 0; i < N; i++) {
                    assertArrayEquals(b[i], a[i], 0f, "record " + i);
                }
            }
        }
    }

    @Test
    void theStateUpdateIsUnweighted(SparkSession spark, @TempDir Path dir) {
        Dataset<Row> weighted = data(spark, false);
        // one step from the same initial parameters: the state depends on the projections only, not on c_i
        train(spark, dir.resolve("w"), factory(TrainContrastiveConfig.ISOGCLR, "weight", 0.8), weighted, 1, 1);
        train(spark, dir.resolve("p"), factory(TrainContrastiveConfig.ISOGCLR, null, 1.0), weighted, 1, 1);
        float[][] a = recordStates(spark, dir.resolve("w"));
        float[][] b = recordStates(spark, dir.resolve("p"));
        assertEquals(N, a.length);
        for (int i = 0; i < N; i++) {
            assertTrue(a[i][ContrastiveState.U] > 0, "record " + i + " visited");
            assertArrayEquals(b[i], a[i], 0f, "record " + i + " (weight 0 for record 3)");
        }
    }
}

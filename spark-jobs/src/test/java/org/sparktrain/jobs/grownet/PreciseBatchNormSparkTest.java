package org.sparktrain.jobs.grownet;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.zoo.grownet.GrowNetModel;
import org.sparktrain.zoo.grownet.GrowNetTask;
import org.sparktrain.zoo.grownet.WeakLearner;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Precise BatchNorm over 2,500 rows in 2 partitions (two blocks of at most 1,024 rows in each): the layers
 * whose input does not depend on block statistics get exactly the population mean and unbiased variance, computed
 * here independently by hand: the first learner's BN1 input LeakyReLU(x W1 + b1), and the stacked learner's input
 * BN0 over [x ; φ_0] with φ_0 from the first learner in eval mode. Learners before {@code from} are left alone.
 */
@ExtendWith(SharedSpark.class)
class PreciseBatchNormSparkTest {
    static final int N = 2500;
    static final int D = 3;
    static final int H = 4;

    @Test
    void runningStatisticsBecomeThePopulationStatistics(SparkSession spark) {
        SplittableRandom rng = new SplittableRandom(5);
        List<Row> rows = new ArrayList<>();
        double[] x = new double[N * D];
        for (int i = 0; i < N; i++) {
            Float[] f = new Float[D];
            for (int j = 0; j < D; j++) {
                f[j] = (float) (rng.nextGaussian() * (j + 1) + j);
                x[i * D + j] = f[j];
            }
            rows.add(RowFactory.create((long) i, f, 0f));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false)
                .add(StageTrainable.X, DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(StageTrainable.Y, DataTypes.FloatType, false);
        Dataset<Row> prepared = spark.createDataFrame(rows, schema).repartition(2);
        WeakLearner first = WeakLearner.create(D, H, false, 1);
        WeakLearner second = WeakLearner.create(D, H, true, 2);
        GrowNetModel model = new GrowNetModel(GrowNetTask.REGRESSION, D, H, new double[D], new double[]{1, 1, 1}, 0,
                1, List.of(first, second));

        PreciseBatchNorm.recompute(spark, prepared, model, 0);
        // first learner, BN1: u = LeakyReLU(x W1 + b1); W1 (D x H) row-major at 0, b1 at D*H
        double[] p = first.params();
        double[] u = new double[N * H];
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < H; c++) {
                double s = p[D * H + c];
                for (int j = 0; j < D; j++) {
                    s += x[i * D + j] * p[j * H + c];
                }
                u[i * H + c] = s > 0 ? s : WeakLearner.LEAKY_SLOPE * s;
            }
        }
        assertPopulation(u, H, first.running(), 0, "first learner BN1");

        double[] firstRunning = first.running().clone();
        PreciseBatchNorm.recompute(spark, prepared, model, 1);
        assertArrayEquals(firstRunning, first.running(), 0.0, "learners before 'from' keep their statistics");
        // stacked learner, BN0 over [x ; φ_0], φ_0 from the first learner in eval mode (running statistics above)
        double[] phi = first.forwardEval(x, null, N).phi();
        int in = D + H;
        double[] z = new double[N * in];
        for (int i = 0; i < N; i++) {
            System.arraycopy(x, i * D, z, i * in, D);
            System.arraycopy(phi, i * H, z, i * in + D, H);
        }
        assertPopulation(z, in, second.running(), 2 * H, "stacked learner BN0");
    }

    /** running[offset..] = column means (width), then unbiased column variances (width), of {@code values}. */
    private static void assertPopulation(double[] values, int width, double[] running, int offset, String what) {
        for (int c = 0; c < width; c++) {
            double mean = 0;
            for (int i = 0; i < N; i++) {
                mean += values[i * width + c];
            }
            mean /= N;
            double ss = 0;
            for (int i = 0; i < N; i++) {
                double e = values[i * width + c] - mean;
                ss += e * e;
            }
            double variance = ss / (N - 1);
            assertEquals(mean, running[offset + c], 1e-9 * Math.max(1, Math.abs(mean)), what + " mean " + c);
            assertEquals(variance, running[offset + width + c], 1e-8 * Math.max(1, variance), what + " variance " + c);
        }
    }
}

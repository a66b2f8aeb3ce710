package org.sparktrain.jobs.moe;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingListener;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.testing.TestData;
import org.sparktrain.zoo.moe.MoeClassifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code train-moe} on a selection (docs/selection.md): each example's cross-entropy is multiplied by c_i = s·w_i.
 * (a) the weighted loss and gradient of a tiny batch equal the hand sum Σ c_i·(−ln softmax(z_i)_{y_i}) and the sum
 * of single-example gradients times c_i; (b) weights n/R with scale R/n (c_i = 1 exactly) train bit-identically to
 * unweighted training on the same rows, with loss-free balancing and 2 workers; (c) integer multiplicities with scale
 * R/Σm train like the dataset with every row repeated m times (full batches, so both runs take the same steps).
 */
@ExtendWith(SharedSpark.class)
class MoeSelectionWeightsSparkTest {
    static final int D = 6;
    static final int K = 3;
    static final MoeModelConfig MODEL = new MoeModelConfig(null, 8, 2, 4, 2, 8, 1, 4, "sigmoid", false, null, 0, null);
    static final OptimizerConfig SGD = OptimizerConfig.of("sgd", 0.1);

    @Test
    void weightedLossOfATinyBatchEqualsTheHandSum() {
        MoeClassifier model = new MoeClassifier(D, K, MODEL.layers(), MODEL.layer(), 5);
        Random rng = new Random(3);
        double[][] x = new double[4][D];
        for (double[] row : x) {
            for (int j = 0; j < D; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        int[] y = {0, 2, 1, 2};
        double[] c = {0.5, 2.0, 0.0, 1.25};
        double[][] bias = new double[MODEL.layers()][MODEL.experts()];
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 1, model.numParams());
        MoeClassifier.Step s = model.computeGradient(Nd4j.createFromArray(x), y, c, bias, null, grad);

        double[][] logits = model.forward(Nd4j.createFromArray(x), bias).logits().toDoubleMatrix();
        double hand = 0;
        INDArray handGrad = Nd4j.zeros(DataType.DOUBLE, 1, model.numParams());
        for (int r = 0; r < 4; r++) {
            double max = Math.max(logits[r][0], Math.max(logits[r][1], logits[r][2]));
            double z = 0;
            for (double v : logits[r]) {
                z += Math.exp(v - max);
            }
            hand += c[r] * -(logits[r][y[r]] - max - Math.log(z));
            INDArray one = Nd4j.zeros(DataType.DOUBLE, 1, model.numParams());
            model.computeGradient(Nd4j.createFromArray(new double[][]{x[r]}), new int[]{y[r]}, bias, null, one);
            handGrad.addi(one.muli(c[r]));
        }
        // 0.5·ℓ_0 + 2·ℓ_1 + 0·ℓ_2 + 1.25·ℓ_3
        assertEquals(hand, s.ceSum(), 1e-12);
        assertEquals(hand, s.lossSum(), 1e-12);
        assertArrayEquals(handGrad.toDoubleVector(), grad.toDoubleVector(), 1e-12);
        System.out.printf("MoE weighted batch loss %.12f (hand %.12f)%n", s.lossSum(), hand);
    }

    @Test
    void weightsNOverRTrainExactlyLikeUnweighted(SparkSession spark, @TempDir Path dir) {
        int rows = 64;
        // a selection of R = 64 rows from n = 128 records, every weight n/R = 2, scale R/n = 0.5: c_i = 1 exactly
        Dataset<Row> plain = TestData.blobs(spark, rows, D, K, 3);
        Dataset<Row> weighted = withWeights(spark, plain, i -> 2.0);
        BalancingConfig lossFree = BalancingConfig.of(BalancingConfig.LOSS_FREE, 0.02, 0);
        EngineConfig engine = new EngineConfig(2, "allreduce", 1, 16, 2, 7L, 100, 1, 100, 1, 60, 10, 0);
        TrainingResult a = train(spark, dir.resolve("a"), engine, plain,
                new MoeClassifierFactory(MODEL, lossFree, D, K, 11), false);
        TrainingResult b = train(spark, dir.resolve("b"), engine, weighted,
                new MoeClassifierFactory(MODEL, lossFree, D, K, 11, "weight", 0.5), true);
        assertEquals(2 * rows / 16, a.state().globalStep());
        assertArrayEquals(a.state().params(), b.state().params(), 0f, "bit-identical parameters");
        assertArrayEquals(a.state().globalState(), b.state().globalState(), 0f, "bit-identical routing biases");
    }

    @Test
    void integerMultiplicitiesTrainLikeRepeatedRows(SparkSession spark, @TempDir Path dir) {
        int rows = 24;
        float[][] x = TestData.features(rows, D, K, 4);
        List<Row> distinct = new ArrayList<>();
        List<Row> repeated = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < rows; i++) {
            Float[] f = new Float[D];
            for (int j = 0; j < D; j++) {
                f[j] = x[i][j];
            }
            int m = 1 + i % 3;
            distinct.add(RowFactory.create((long) i, f, i % K, (double) m));
            for (int k = 0; k < m; k++) {
                repeated.add(RowFactory.create((long) total++, f, i % K));
            }
        }
        assertEquals(48, total);
        Dataset<Row> selection = spark.createDataFrame(distinct,
                TestData.SCHEMA.add("weight", DataTypes.DoubleType, false));
        Dataset<Row> dataset = spark.createDataFrame(repeated, TestData.SCHEMA);
        // one worker, batch >= both sizes: every step is the full batch, mean over 48 rows = (1/24)·Σ (24/48)·m_i·ℓ_i
        EngineConfig engine = new EngineConfig(1, "allreduce", 1, 64, 6, 7L, 100, 1, 100, 1, 60, 10, 0);
        BalancingConfig none = BalancingConfig.of(BalancingConfig.NONE, 0, 0);
        TrainingResult a = train(spark, dir.resolve("a"), engine, dataset,
                new MoeClassifierFactory(MODEL, none, D, K, 11), false);
        TrainingResult b = train(spark, dir.resolve("b"), engine, selection,
                new MoeClassifierFactory(MODEL, none, D, K, 11, "weight", (double) rows / total), true);
        assertEquals(6, a.state().globalStep());
        assertEquals(6, b.state().globalStep());
        float[] init = new MoeClassifierFactory(MODEL, none, D, K, 11).createModel().params().toFloatVector();
        assertFalse(java.util.Arrays.equals(init, a.state().params()), "training moved the parameters");
        assertArrayEquals(a.state().params(), b.state().params(), 1e-6f);
    }

    private static Dataset<Row> withWeights(SparkSession spark, Dataset<Row> data,
                                            java.util.function.LongFunction<Double> weight) {
        List<Row> out = new ArrayList<>();
        for (Row r : data.collectAsList()) {
            out.add(RowFactory.create(r.getLong(0), r.getList(1).toArray(new Float[0]), r.getInt(2),
                    weight.apply(r.getLong(0))));
        }
        return spark.createDataFrame(out, TestData.SCHEMA.add("weight", DataTypes.DoubleType, false));
    }

    private static TrainingResult train(SparkSession spark, Path dir, EngineConfig engine, Dataset<Row> data,
                                        MoeClassifierFactory factory, boolean weighted) {
        List<ColumnSpec> columns = new ArrayList<>(List.of(ColumnSpec.of("features", D), ColumnSpec.of("label", 1)));
        if (weighted) {
            columns.add(ColumnSpec.of("weight", 1));
        }
        TrainingSpec spec = new TrainingSpec("moe-w", dir.toString(), data, "blobs", columns, factory,
                factory.state(), false, TrainingListener.all(), null);
        return new TrainingEngine(spark, engine, SGD).train(spec);
    }
}

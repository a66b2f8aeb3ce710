package org.sparktrain.jobs.classifier;

import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.testing.TestData;
import org.sparktrain.zoo.ClassifierModelConfig;
import org.sparktrain.zoo.ClassifierNetworks;
import org.sparktrain.zoo.ImageShape;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The distributed evaluation agrees with DL4J's own Evaluation and score computed on one machine. */
@ExtendWith(SharedSpark.class)
class ClassifierEvaluatorSparkTest {
    @Test
    void confusionMatrixAccuracyAndLossMatchDl4jEvaluation(SparkSession spark) {
        int n = 1500;
        int d = 10;
        int k = 4;
        ClassifierModelConfig mlp = new ClassifierModelConfig("mlp", List.of(8));
        ImageShape shape = new ImageShape(1, 1, d);
        MultiLayerNetwork net = ClassifierNetworks.create(mlp, shape, k, 5, new Adam(0.01));
        float[][] x = TestData.features(n, d, k, 9);
        INDArray features = Nd4j.createFromArray(x);
        INDArray labels = Nd4j.zeros(n, k);
        for (int i = 0; i < n; i++) {
            labels.putScalar(i, i % k, 1);
        }
        DataSet all = new DataSet(features, labels);
        for (int i = 0; i < 15; i++) {
            net.fit(all); // partly trained: neither perfect nor random
        }

        ClassifierFactory factory = new ClassifierFactory(mlp, shape, k, 5);
        ClassificationMetrics m = ClassifierEvaluator.evaluate(spark, TestData.blobs(spark, n, d, k, 9).repartition(3),
                factory, net.params().toFloatVector());

        Evaluation reference = new Evaluation(k);
        reference.eval(labels, net.output(features, false));
        assertEquals(n, m.count());
        assertEquals(reference.accuracy(), m.accuracy(), 1e-12);
        assertTrue(m.accuracy() > 0.3 && m.accuracy() < 1.0, "partly trained: " + m.accuracy());
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                assertEquals(reference.getConfusionMatrix().getCount(t, p), m.confusion()[t][p], "cell " + t + "," + p);
            }
            assertEquals(reference.recall(t), m.perClassAccuracy()[t], 1e-12, "recall of class " + t);
        }
        assertEquals(net.score(all, false), m.meanLoss(), 1e-5);
    }
}

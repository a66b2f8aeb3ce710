package org.sparktrain.jobs.grownet;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.optim.FlatOptimizer;
import org.sparktrain.engine.optim.TensorLayout;
import org.sparktrain.testing.SharedSpark;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GrowNet's carrying of D-Adaptation's / Prodigy's step-size estimate d between phases ({@link CarriedStepSize}). */
@ExtendWith(SharedSpark.class)
class CarriedStepSizeSparkTest {
    @Test
    void startingFromReplacesOnlyD0() {
        for (String type : List.of("prodigy", "dadapt-adam", "dadapt-sgd")) {
            OptimizerConfig o = OptimizerConfig.defaults(type);
            assertTrue(CarriedStepSize.applies(o));
            assertEquals(o, CarriedStepSize.startingFrom(o, o.d0()), type);
            OptimizerConfig carried = CarriedStepSize.startingFrom(o, 0.25);
            assertEquals(0.25, carried.d0(), 0);
            FlatOptimizer rule = carried.create(10, TensorLayout.single(10), 1);
            assertEquals(0.25, rule.scalars().get("d"), 0, type + ": a new run starts at the carried d");
        }
        assertFalse(CarriedStepSize.applies(OptimizerConfig.of("adam", 0.01)));
        assertFalse(CarriedStepSize.applies(OptimizerConfig.defaults("dog")));
    }

    @Test
    void carriedEstimatesNeverFallBackToD0(SparkSession spark, @TempDir Path tmp) {
        Dataset<Row> train = GrowNetSparkTest.data(spark, 64, 5, false);
        GrowNetParams p = new GrowNetParams("regression", 4, 3, OptimizerConfig.defaults("prodigy"), null, 64, 3, 2,
                null, null, null, null, null, 0, 1, 3L, null, null, null, tmp.toUri().toString(), null, null, null);
        JsonNode carried = new GrowNet(p).fit(train, null).summary().get("stages");
        JsonNode restarted = new GrowNet(p.withOptimizer(p.optimizer(), false)).fit(train, null).summary()
                .get("stages");
        // stage 1 starts from d0 either way
        assertEquals(restarted.get(0).get("stageD").asDouble(), carried.get(0).get("stageD").asDouble(), 0);
        for (int k = 1; k < 3; k++) {
            double before = carried.get(k - 1).get("stageD").asDouble();
            double now = carried.get(k).get("stageD").asDouble();
            assertTrue(now >= before, "stage " + (k + 1) + " fit started from " + before + ", ended at " + now);
            // restarting from d0 = 1e-6, 3 full-batch steps do not reach the carried estimate
            assertTrue(restarted.get(k).get("stageD").asDouble() < now, "restarted d " + restarted.get(k));
        }
        double c2 = carried.get(1).get("correctiveD").asDouble();
        double c3 = carried.get(2).get("correctiveD").asDouble();
        assertTrue(c2 > 1e-6 && c3 >= c2, "corrective estimates " + c2 + ", " + c3);
        assertTrue(restarted.get(2).get("correctiveD").asDouble() < c3);
    }
}

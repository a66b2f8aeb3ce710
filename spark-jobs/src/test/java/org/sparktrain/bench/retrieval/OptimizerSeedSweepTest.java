package org.sparktrain.bench.retrieval;

import org.junit.jupiter.api.Test;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.retrieval.eval.RetrievalMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench helper's spec parsing and its aggregation over seeds, on hand-computed numbers. */
class OptimizerSeedSweepTest {
    @Test
    void parsesSpecsIntoConfigsWithTheRestAtDefaults() {
        Map<String, OptimizerConfig> m = OptimizerSeedSweep.parse(
                "prodigy,safeguardWarmup=true,biasCorrection=true; dog ;schedule-free-adamw,warmupSteps=5");
        assertEquals(List.of("prodigy,safeguardWarmup=true,biasCorrection=true", "dog",
                "schedule-free-adamw,warmupSteps=5"), new ArrayList<>(m.keySet()));
        OptimizerConfig p = m.get("prodigy,safeguardWarmup=true,biasCorrection=true");
        assertTrue(p.safeguardWarmup());
        assertTrue(p.biasCorrection());
        assertEquals(1e-6, p.d0());
        assertEquals(1.0, p.learningRate());
        assertEquals(OptimizerConfig.defaults("dog"), m.get("dog"));
        assertEquals(5, m.get("schedule-free-adamw,warmupSteps=5").warmupSteps());
        assertEquals(0.0025, m.get("schedule-free-adamw,warmupSteps=5").learningRate());
    }

    @Test
    void rejectsKeysTheTypeDoesNotUseAndMalformedPairs() {
        Exception e = assertThrows(IllegalArgumentException.class, () -> OptimizerSeedSweep.parse("dog,d0=1e-5"));
        assertTrue(String.valueOf(e.getMessage()).contains("d0"), e.getMessage());
        Exception f = assertThrows(IllegalArgumentException.class, () -> OptimizerSeedSweep.parse("prodigy,d0"));
        assertTrue(f.getMessage().contains("not key=value"), f.getMessage());
    }

    @Test
    void tunedAdamIsTheBestMeanValidationAndGapsCompareMeans() throws Exception {
        // validation / test nDCG@10 per (optimizer, seed), chosen by hand
        Map<String, double[][]> table = Map.of(
                "adam lr=0.1", new double[][]{{0.30, 0.50}, {0.36, 0.52}},   // mean val 0.33, test 0.51
                "adam lr=0.01", new double[][]{{0.34, 0.40}, {0.34, 0.42}},  // mean val 0.34 (best), test 0.41
                "dog", new double[][]{{0.20, 0.407}, {0.20, 0.4059}});        // test mean 0.40645: -0.866%
        OptimizerSeedSweep.Trainer trainer = (name, optimizer, seed) -> {
            double[] vt = table.get(name)[(int) seed - 1];
            return new OptimizerSeedSweep.Result(vt[0], new RetrievalMetrics.Summary(1, 0, vt[1], 0, 0, Map.of()),
                    2.0, 0);
        };
        List<String> lines = new ArrayList<>();
        String summary = OptimizerSeedSweep.run(trainer, List.of(0.1, 0.01), OptimizerSeedSweep.parse("dog"),
                List.of(1L, 2L), lines::add);
        assertEquals(1 + 6, lines.size());
        assertTrue(summary.contains("| **adam lr=0.01 (tuned: best mean val)** | 0.3400 | 0.4100 | 0.0141 |"),
                summary);
        assertTrue(summary.contains("| adam lr=0.1 | 0.3300 | 0.5100 | 0.0141 | 0.5000..0.5200 | +24.39% |"), summary);
        assertTrue(summary.contains("| dog | 0.2000 | 0.4065 | 0.0008 | 0.4059..0.4070 | -0.87% |"), summary);
        assertTrue(summary.contains("4.0 (sweep of 2 rates: 8.0)"), summary);
        assertFalse(summary.contains("**dog"));
    }

    @Test
    void distanceIsTheEuclideanNormOfTheDifference() {
        assertEquals(5.0, OptimizerSeedSweep.distance(new float[]{4, 1, 3}, new float[]{1, 1, -1}), 0);
    }
}

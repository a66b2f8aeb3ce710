package org.sparktrain.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.sparktrain.config.ConfigException;
import org.sparktrain.config.ConfigLoader;
import org.sparktrain.engine.optim.FlatOptimizer;
import org.sparktrain.engine.optim.TensorLayout;
import org.sparktrain.jobs.classifier.TrainClassifierConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** optimizer.* keys: each type's defaults from the spec, invalid combinations named by key, resolved-config round trip. */
class OptimizerConfigTest {
    static TrainClassifierConfig load(String... sets) {
        ObjectNode tree = ConfigLoader.parse("data: {dataset: /d}", "test.yaml");
        for (String s : sets) {
            ConfigLoader.applyOverride(tree, s);
        }
        return ConfigLoader.bind(tree, TrainClassifierConfig.class, "test.yaml");
    }

    static String error(String... sets) {
        return assertThrows(ConfigException.class, () -> load(sets)).getMessage();
    }

    @Test
    void eachTypeGetsItsOwnDefaults() {
        OptimizerConfig dadapt = OptimizerConfig.defaults("dadapt-adam");
        assertEquals(1.0, dadapt.learningRate());
        assertEquals(1e-6, dadapt.d0());
        assertEquals(Double.POSITIVE_INFINITY, dadapt.growthRate());
        assertEquals(false, dadapt.decoupledWeightDecay());
        assertEquals(false, dadapt.biasCorrection());
        assertEquals(0.0, dadapt.weightDecay());
        OptimizerConfig prodigy = OptimizerConfig.defaults("prodigy");
        assertEquals(1.0, prodigy.learningRate());
        assertEquals(true, prodigy.decoupledWeightDecay());
        assertEquals(Math.sqrt(0.999), prodigy.beta3());
        assertEquals(1.0, prodigy.dCoef());
        assertEquals(false, prodigy.safeguardWarmup());
        assertEquals(1, prodigy.sliceP());
        assertEquals(0.0, OptimizerConfig.defaults("dadapt-sgd").momentum());
        OptimizerConfig sfa = OptimizerConfig.defaults("schedule-free-adamw");
        assertEquals(0.0025, sfa.learningRate());
        assertEquals(0.9, sfa.beta1());
        assertEquals(0.0, sfa.weightStepPower());
        assertEquals(2.0, sfa.weightLrPower());
        OptimizerConfig sfs = OptimizerConfig.defaults("schedule-free-sgd");
        assertEquals(1.0, sfs.learningRate());
        assertEquals(0.9, sfs.momentum());
        for (String dog : new String[]{"dog", "ldog"}) {
            OptimizerConfig c = OptimizerConfig.defaults(dog);
            assertEquals(1.0, c.learningRate());
            assertEquals(1e-6, c.repsRel());
            assertEquals(1e-8, c.epsilon());
            assertEquals(8.0, c.averagingGamma());
            assertNull(c.initEta());
        }
        OptimizerConfig adam = OptimizerConfig.defaults("adam");
        assertEquals(1e-3, adam.learningRate());
        assertNull(adam.momentum(), "keys a type does not use stay null");
        assertNull(adam.d0());
        assertEquals(0.01, OptimizerConfig.defaults("sgd").learningRate());
    }

    @Test
    void invalidCombinationsAreErrorsNamingTheKey() {
        assertTrue(error("optimizer.type=adam", "optimizer.momentum=0.5")
                .contains("optimizer.momentum: not used by optimizer type 'adam'"), error("optimizer.momentum=0.5"));
        assertTrue(error("optimizer.type=prodigy", "optimizer.repsRel=1e-4")
                .contains("optimizer.repsRel: not used by optimizer type 'prodigy'"));
        assertTrue(error("optimizer.type=dog", "optimizer.d0=1e-4").contains("optimizer.d0: not used"));
        assertTrue(error("optimizer.type=schedule-free-adamw", "optimizer.schedule=cosine")
                .contains("optimizer.schedule: schedule-free-adamw replaces the decay schedule"));
        assertTrue(error("optimizer.type=prodigy", "optimizer.warmupSteps=100")
                .contains("optimizer.warmupSteps: prodigy with a warm-up overestimates d unless safeguardWarmup"));
        assertEquals(100, load("optimizer.type=prodigy", "optimizer.warmupSteps=100", "optimizer.safeguardWarmup=true")
                .optimizer().warmupSteps());
        assertTrue(error("optimizer.type=dadapt-adam", "optimizer.growthRate=0.5")
                .contains("optimizer.growthRate: must be at least 1"));
        assertTrue(error("optimizer.type=dog", "optimizer.initEta=0.01", "optimizer.repsRel=1e-4")
                .contains("optimizer.repsRel: not used when initEta"));
        assertTrue(error("optimizer.type=ldog", "optimizer.weightDecay=-1").contains("optimizer.weightDecay"));
        assertTrue(error("optimizer.type=lion").contains("optimizer.type: must be one of"));
        assertEquals(1.02, load("optimizer.type=dadapt-sgd", "optimizer.growthRate=1.02").optimizer().growthRate());
        assertTrue(error("optimizer.type=prodigy", "optimizer.sliceP=0").contains("optimizer.sliceP: must be at least 1"));
        assertTrue(error("optimizer.type=adam", "optimizer.sliceP=11").contains("optimizer.sliceP: not used"));
        OptimizerConfig sliced = load("optimizer.type=prodigy", "optimizer.sliceP=11").optimizer();
        assertEquals(11, sliced.sliceP());
        assertEquals("vectors [x0 x 2, s x 2, m x 10, v x 10]; scalars [d, dMax, N, k] (3 floats each)",
                sliced.create(10, new TensorLayout(java.util.List.of("w", "b"), new long[]{0, 7}, new long[]{7, 3}), 5)
                        .stateLayout());
    }

    /** withLearningRate keeps every other key; adaptsStepSize names the types whose lr is only a multiplier. */
    @Test
    void learningRateCopiesAndStepSizeAdaptingTypes() {
        OptimizerConfig dog = load("optimizer.type=dog", "optimizer.initEta=0.01").optimizer();
        OptimizerConfig half = dog.withLearningRate(0.5);
        assertEquals(0.5, half.learningRate());
        assertEquals(0.01, half.initEta());
        assertNull(half.repsRel());
        OptimizerConfig sfa = OptimizerConfig.defaults("schedule-free-adamw").withLearningRate(0.01);
        assertEquals(0.01, sfa.learningRate());
        assertEquals(OptimizerConfig.defaults("schedule-free-adamw").weightLrPower(), sfa.weightLrPower());
        for (String type : OptimizerConfig.TYPES) {
            boolean adaptive = java.util.Set.of("dadapt-adam", "dadapt-sgd", "prodigy", "dog", "ldog").contains(type);
            assertEquals(adaptive, OptimizerConfig.defaults(type).adaptsStepSize(), type);
        }
    }

    @Test
    void everyTypesResolvedConfigRoundTripsThroughYamlAndBuildsItsOptimizer() {
        for (String type : OptimizerConfig.TYPES) {
            TrainClassifierConfig c = load("optimizer.type=" + type);
            String yaml = ConfigLoader.toYaml(c);
            assertFalse(yaml.contains("null"), "unused keys are left out:\n" + yaml);
            TrainClassifierConfig again = ConfigLoader.bind(ConfigLoader.parse(yaml, "resolved.yaml"),
                    TrainClassifierConfig.class, "resolved.yaml");
            assertEquals(c.optimizer(), again.optimizer(), type);
            FlatOptimizer opt = again.optimizer().create(10, new TensorLayout(java.util.List.of("w", "b"),
                    new long[]{0, 7}, new long[]{7, 3}), 100);
            assertEquals(opt.stateSize(), opt.state().length, type + ": " + opt.stateLayout());
        }
        assertThrows(IllegalStateException.class, () -> OptimizerConfig.defaults("prodigy").toNd4j());
    }
}

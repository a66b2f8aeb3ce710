package org.sparktrain.jobs.grownet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.sparktrain.config.ConfigException;
import org.sparktrain.config.ConfigLoader;
import org.sparktrain.engine.OptimizerConfig;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainGrowNetConfigTest {
    private static TrainGrowNetConfig load(String file) throws Exception {
        Path p = Path.of("..", "deploy", "configs", file);
        ObjectNode tree = ConfigLoader.parse(Files.readString(p), file);
        return ConfigLoader.bind(tree, TrainGrowNetConfig.class, file);
    }

    @Test
    void shippedConfigsBind() throws Exception {
        TrainGrowNetConfig census = load("train-grownet-census-house.yaml");
        assertEquals("regression", census.grownet().task());
        assertEquals(32, census.grownet().hidden());
        assertEquals(1.0 / 3, census.grownet().correctiveFactor(), 1e-15);
        assertEquals(10, census.data().validationEvery());
        TrainGrowNetConfig mushroom = load("train-grownet-mushroom.yaml");
        assertEquals("binary", mushroom.grownet().task());
        assertEquals(0.5, mushroom.grownet().correctiveFactor(), 1e-15);
        assertTrue(mushroom.grownet().secondOrder());
        assertEquals("quantile", census.grownet().featureScaling());
        assertEquals(OptimizerConfig.defaults("prodigy"), census.grownet().optimizer());
        assertEquals(OptimizerConfig.defaults("prodigy"), GrowNetParams.defaults().optimizer()); // no key: prodigy
        assertTrue(census.grownet().carryStepSize());
        TrainGrowNetConfig ltr = load("train-grownet-cranfield-ltr.yaml");
        assertEquals("ranking", ltr.grownet().task());
        assertTrue(ltr.data().retrieval());
        assertEquals(75, ltr.data().testQueries());
        assertEquals(30, ltr.data().validationQueries());
        assertEquals(50, ltr.data().candidates());
        assertEquals(20261127L, ltr.data().splitSeed());
        GrowNetParams ablation = mushroom.grownet().withAblation(false, false, false);
        assertFalse(ablation.secondOrder() || ablation.learnBoostRate() || ablation.correctiveStep());
    }

    /**
     * grownet.optimizer reaches both phases: a rule with a step size gets lr × 1/3 (regression) or × 1/2 (binary) in
     * the corrective step and lr × 1/2 per halving; a rule that adapts its own step size is passed on unchanged.
     */
    @Test
    void optimizerOfStageAndCorrectiveStep() {
        GrowNetParams adam = bind("data: {train: /x}\ngrownet: {optimizer: {type: adam, learningRate: 0.006}}\n");
        assertEquals("adam", adam.stageOptimizer(0).type());
        assertEquals(0.006, adam.stageOptimizer(0).learningRate(), 1e-15);
        assertEquals(0.002, adam.correctiveOptimizer(0).learningRate(), 1e-15);
        assertEquals(0.003, adam.stageOptimizer(1).learningRate(), 1e-15);
        assertEquals(0.0005, adam.correctiveOptimizer(2).learningRate(), 1e-15);
        GrowNetParams sf = bind("data: {train: /x}\ngrownet: {task: binary, optimizer: {type: schedule-free-adamw}}\n");
        assertEquals(0.0025, sf.stageOptimizer(0).learningRate(), 1e-15);
        assertEquals(0.00125, sf.correctiveOptimizer(0).learningRate(), 1e-15);
        assertEquals(0.9, sf.correctiveOptimizer(0).beta1(), 0);
        GrowNetParams prodigy = bind("data: {train: /x}\ngrownet: {optimizer: {type: prodigy, dCoef: 0.5}}\n");
        assertEquals(prodigy.optimizer(), prodigy.correctiveOptimizer(3));
        assertEquals(1.0, prodigy.correctiveOptimizer(3).learningRate(), 0);
        assertEquals(0.5, prodigy.stageOptimizer(2).dCoef(), 0);
        ObjectNode bad = ConfigLoader.parse("data: {train: /x}\ngrownet: {optimizer: {type: dog, beta1: 0.9}}\n", "t.yaml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind(bad, TrainGrowNetConfig.class, "t.yaml"));
        assertTrue(e.getMessage().contains("beta1"), e.getMessage());
    }

    @Test
    void preparedFormatDefaultsAndTheShippedSelectionConfig() throws Exception {
        GrowNetDataConfig d = ConfigLoader.bind(ConfigLoader.parse("data: {format: prepared, dataset: /d}\n", "t.yaml"),
                TrainGrowNetConfig.class, "t.yaml").data();
        assertTrue(d.prepared());
        assertEquals("train", d.trainSplit());
        assertEquals(null, d.testSplit()); // resolved at run time: test when the dataset has one
        assertEquals(10, d.validationEvery());
        assertTrue(d.weights());
        assertEquals(null, d.selection());
        assertEquals("/d", d.trainDataset());
        TrainGrowNetConfig sel = load("train-grownet-census-house-selection.yaml");
        assertTrue(sel.data().prepared());
        assertEquals("data/selections/census-house-lev10", sel.data().trainDataset());
        assertEquals("data/prepared/census-house", sel.data().dataset());
        assertEquals("standard", sel.grownet().featureScaling());
        assertEquals(null, sel.grownet().weightCol());
        // the FANN format keeps its keys only (nothing of the prepared format is filled in)
        GrowNetDataConfig fann = load("train-grownet-census-house.yaml").data();
        assertEquals(null, fann.weights());
        assertEquals(null, fann.trainSplit());
    }

    private static GrowNetParams bind(String yaml) {
        return ConfigLoader.bind(ConfigLoader.parse(yaml, "t.yaml"), TrainGrowNetConfig.class, "t.yaml").grownet();
    }

    @Test
    void badValuesNameTheirKey() {
        ObjectNode tree = ConfigLoader.parse("data: {train: /x}\ngrownet: {batchSize: 255, workers: 2}\n", "t.yaml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind(tree, TrainGrowNetConfig.class, "t.yaml"));
        assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
        ObjectNode task = ConfigLoader.parse("data: {train: /x}\ngrownet: {task: ranking}\n", "t.yaml");
        ConfigException t = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind(task, TrainGrowNetConfig.class, "t.yaml"));
        assertTrue(t.getMessage().contains("task"), t.getMessage());
        for (String[] c : new String[][]{
                {"data: {format: retrieval, dataset: /d, train: /x}\ngrownet: {task: ranking}\n", "train"},
                {"data: {format: retrieval, dataset: /d}\ngrownet: {task: regression}\n", "format"},
                {"data: {train: /x, testQueries: 5}\n", "testQueries"},
                {"data: {format: retrieval}\ngrownet: {task: ranking}\n", "dataset"},
                {"data: {train: /x}\ngrownet: {featureScaling: log}\n", "featureScaling"},
                {"data: {train: /x, selection: /s}\n", "data.selection: format 'fann' does not read a selection: a "
                        + "selection is a prepared table, so prepare the FANN file first"},
                {"data: {format: retrieval, dataset: /d, selection: /s}\ngrownet: {task: ranking}\n",
                        "data.selection: format 'retrieval' does not read a selection"},
                {"data: {train: /x, weights: false}\n", "data.weights: not used by format 'fann'"},
                {"data: {train: /x, trainSplit: train}\n", "data.trainSplit: not used by format 'fann'"},
                {"data: {format: prepared}\n", "data.dataset"},
                {"data: {format: prepared, dataset: /d, train: /x}\n", "data.train: not used by format 'prepared'"},
                {"data: {format: prepared, dataset: /d, candidates: 5}\n", "data.candidates: not used by format 'prepared'"},
                {"data: {format: prepared, dataset: /d, validationEvery: 1}\n", "data.validationEvery: 1"},
                {"data: {format: prepared, dataset: /d}\ngrownet: {task: ranking}\n", "grownet.task: 'ranking' needs"},
                {"data: {format: prepared, dataset: /d}\ngrownet: {weightCol: w}\n", "grownet.weightCol: train-grownet sets"},
                {"data: {train: /x, dataset: /d}\n", "data.dataset: not used by format 'fann' (a key of format "
                        + "'prepared' or 'retrieval')"},
                {"data: {format: parquet, dataset: /d}\n", "data.format"}}) {
            ConfigException x = assertThrows(ConfigException.class,
                    () -> ConfigLoader.bind(ConfigLoader.parse(c[0], "t.yaml"), TrainGrowNetConfig.class, "t.yaml"));
            assertTrue(x.getMessage().contains(c[1]), c[1] + ": " + x.getMessage());
        }
    }
}

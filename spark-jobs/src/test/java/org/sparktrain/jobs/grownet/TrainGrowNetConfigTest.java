package org.sparktrain.jobs.grownet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.sparktrain.config.ConfigException;
import org.sparktrain.config.ConfigLoader;

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
        assertEquals(0.005 / 3, census.grownet().correctiveLearningRate(0.005), 1e-15);
        assertEquals(10, census.data().validationEvery());
        TrainGrowNetConfig mushroom = load("train-grownet-mushroom.yaml");
        assertEquals("binary", mushroom.grownet().task());
        assertEquals(0.0025, mushroom.grownet().correctiveLearningRate(0.005), 1e-15);
        assertTrue(mushroom.grownet().secondOrder());
        GrowNetParams ablation = mushroom.grownet().withAblation(false, false, false);
        assertFalse(ablation.secondOrder() || ablation.learnBoostRate() || ablation.correctiveStep());
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
    }
}

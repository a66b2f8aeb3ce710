package org.sparktrain.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.jobs.classifier.TrainClassifierConfig;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    static TrainClassifierConfig load(String yaml, String... sets) {
        ObjectNode tree = ConfigLoader.parse(yaml, "test.yaml");
        for (String s : sets) {
            ConfigLoader.applyOverride(tree, s);
        }
        return ConfigLoader.bind(tree, TrainClassifierConfig.class, "test.yaml");
    }

    @Test
    void defaultsFillEverythingNotGiven() {
        TrainClassifierConfig c = load("data: {dataset: /d}");
        assertEquals("classifier", c.runId());
        assertEquals("runs", c.output());
        assertEquals("lenet5", c.model().type());
        assertEquals(EngineConfig.defaults(), c.engine());
        assertEquals(2, c.engine().workers());
        assertEquals(64, c.engine().batchSize());
        assertEquals("schedule-free-adamw", c.optimizer().type(), "learning-rate-free default (issue 9)");
        assertEquals(0.0025, c.optimizer().learningRate());
        assertEquals("local[*]", c.spark().master());
    }

    @Test
    void overridesParseNumbersListsAndNestedKeys() {
        TrainClassifierConfig c = load("data: {dataset: /d}\nengine: {workers: 2}",
                "engine.workers=4", "engine.batchSize=128", "model.type=mlp", "model.hidden=[64, 32]",
                "spark.conf[spark.driver.memory]=2g", "optimizer.learningRate=0.05");
        assertEquals(4, c.engine().workers());
        assertEquals(128, c.engine().batchSize());
        assertEquals(List.of(64, 32), c.model().hidden());
        assertEquals(0.05, c.optimizer().learningRate());
        assertEquals("2g", c.spark().conf().get("spark.driver.memory"));
    }

    @Test
    void unknownKeysAreErrorsNamingTheFullPath() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("data: {dataset: /d}\nengine: {wrkers: 2}"));
        assertTrue(e.getMessage().contains("unknown config key 'engine.wrkers'"), e.getMessage());
        assertTrue(e.getMessage().contains("workers"), "lists the known keys: " + e.getMessage());
        ConfigException top = assertThrows(ConfigException.class, () -> load("data: {dataset: /d}\nepochs: 3"));
        assertTrue(top.getMessage().contains("unknown config key 'epochs'"), top.getMessage());
    }

    @Test
    void badValuesAreErrorsNamingTheKey() {
        ConfigException zero = assertThrows(ConfigException.class, () -> load("data: {dataset: /d}", "engine.workers=0"));
        assertTrue(zero.getMessage().contains("engine.workers: must be at least 1, got 0"), zero.getMessage());
        ConfigException indivisible = assertThrows(ConfigException.class,
                () -> load("data: {dataset: /d}", "engine.workers=3", "engine.batchSize=64"));
        assertTrue(indivisible.getMessage().contains("engine.batchSize"), indivisible.getMessage());
        ConfigException sync = assertThrows(ConfigException.class, () -> load("data: {dataset: /d}", "engine.sync=ring"));
        assertTrue(sync.getMessage().contains("engine.sync: must be one of [allreduce, local-sgd]"), sync.getMessage());
        ConfigException type = assertThrows(ConfigException.class, () -> load("data: {dataset: /d}", "engine.epochs=many"));
        assertTrue(type.getMessage().contains("engine.epochs"), type.getMessage());
        ConfigException missing = assertThrows(ConfigException.class, () -> load("engine: {workers: 2}"));
        assertTrue(missing.getMessage().contains("data: is required"), missing.getMessage());
        ConfigException model = assertThrows(ConfigException.class, () -> load("data: {dataset: /d}", "model.type=resnet"));
        assertTrue(model.getMessage().contains("model.type: unknown model type 'resnet'"), model.getMessage());
    }

    @Test
    void invalidYamlNamesTheSource() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("a: [1, 2", "bad.yaml"));
        assertTrue(e.getMessage().startsWith("bad.yaml: not valid YAML"), e.getMessage());
        ConfigException list = assertThrows(ConfigException.class, () -> ConfigLoader.parse("- 1\n- 2", "list.yaml"));
        assertTrue(list.getMessage().contains("mapping"), list.getMessage());
    }

    @Test
    void resolvedConfigRoundTripsThroughYaml() {
        TrainClassifierConfig c = load("data: {dataset: /d}", "engine.epochs=3");
        TrainClassifierConfig again = load(ConfigLoader.toYaml(c));
        assertEquals(c, again);
    }
}

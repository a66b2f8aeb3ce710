package org.sparktrain.jobs.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparktrain.config.ConfigLoader;

/** train-moe trains the classifier on a data.selection; the language model refuses one, naming the key. */
class TrainMoeConfigTest {

    @Test
    void theClassifierTrainsOnTheSelection() {
        String yaml = "data:\n  dataset: data/prepared/mnist\n  selection: runs/sel/selection\n  weights: false\n";
        TrainMoeConfig cfg = ConfigLoader.bind(ConfigLoader.parse(yaml, "moe.yaml"), TrainMoeConfig.class, "moe.yaml");
        assertEquals("runs/sel/selection", cfg.data().trainDataset());
        assertEquals("data/prepared/mnist", cfg.data().dataset());
        assertFalse(cfg.data().weights());
    }

    @Test
    void theLanguageModelRefusesASelectionNamingTheKey() {
        String yaml = "data:\n  dataset: data/prepared/cranfield\n  selection: runs/sel/selection\n"
                + "model: {type: moe-lm}\n";
        Exception e = assertThrows(RuntimeException.class,
                () -> ConfigLoader.bind(ConfigLoader.parse(yaml, "moe.yaml"), TrainMoeConfig.class, "moe.yaml"));
        assertTrue(e.getMessage().contains("data.selection"), e.getMessage());
        assertTrue(e.getMessage().contains("moe-lm"), e.getMessage());
    }

    @Test
    void withoutSelectionTheDatasetIsTrainedOn() {
        String yaml = "data:\n  dataset: data/prepared/mnist\n";
        TrainMoeConfig cfg = ConfigLoader.bind(ConfigLoader.parse(yaml, "moe.yaml"), TrainMoeConfig.class, "moe.yaml");
        assertEquals("data/prepared/mnist", cfg.data().trainDataset());
    }
}

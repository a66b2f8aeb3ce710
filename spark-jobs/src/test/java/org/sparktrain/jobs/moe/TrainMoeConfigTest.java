package org.sparktrain.jobs.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparktrain.config.ConfigLoader;

/** train-moe refuses a data.selection (it would otherwise train on the whole dataset without saying so). */
class TrainMoeConfigTest {

    @Test
    void selectionIsRefusedNamingTheKey() {
        String yaml = "data:\n  dataset: data/prepared/mnist\n  selection: runs/sel/selection\n";
        Exception e = assertThrows(RuntimeException.class,
                () -> ConfigLoader.bind(ConfigLoader.parse(yaml, "moe.yaml"), TrainMoeConfig.class, "moe.yaml"));
        assertTrue(e.getMessage().contains("data.selection"), e.getMessage());
    }

    @Test
    void withoutSelectionTheDatasetIsTrainedOn() {
        String yaml = "data:\n  dataset: data/prepared/mnist\n";
        TrainMoeConfig cfg = ConfigLoader.bind(ConfigLoader.parse(yaml, "moe.yaml"), TrainMoeConfig.class, "moe.yaml");
        assertEquals("data/prepared/mnist", cfg.data().trainDataset());
    }
}

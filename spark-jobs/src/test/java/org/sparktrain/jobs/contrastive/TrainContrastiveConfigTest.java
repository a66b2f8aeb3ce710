package org.sparktrain.jobs.contrastive;

import org.junit.jupiter.api.Test;
import org.sparktrain.config.ConfigException;
import org.sparktrain.config.ConfigLoader;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train-contrastive refuses data.selection with the reason (no per-anchor weights in its losses yet). */
class TrainContrastiveConfigTest {
    @Test
    void selectionIsRefusedNamingTheKeyAndTheReason() {
        String yaml = "data: {dataset: data/prepared/mnist, selection: data/selections/mnist-10pct}\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.bind(
                ConfigLoader.parse(yaml, "c.yaml"), TrainContrastiveConfig.class, "c.yaml"));
        assertTrue(e.getMessage().contains("data.selection: train-contrastive does not train on a selection yet"),
                e.getMessage());
        assertTrue(e.getMessage().contains("per-anchor weights"), e.getMessage());
    }
}

package org.sparktrain.jobs.contrastive;

import org.junit.jupiter.api.Test;
import org.sparktrain.config.ConfigException;
import org.sparktrain.config.ConfigLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train-contrastive binds data.selection / data.weights and refuses a long tail of a selection naming the key. */
class TrainContrastiveConfigTest {
    static TrainContrastiveConfig bind(String yaml) {
        return ConfigLoader.bind(ConfigLoader.parse(yaml, "c.yaml"), TrainContrastiveConfig.class, "c.yaml");
    }

    @Test
    void bindsTheSelectionAndTheWeightsSwitch() {
        TrainContrastiveConfig c = bind("data: {dataset: data/prepared/mnist, selection: data/selections/mnist-10pct}\n");
        assertEquals("data/selections/mnist-10pct", c.data().selection());
        assertEquals("data/selections/mnist-10pct", c.data().trainDataset());
        assertTrue(c.data().weights(), "weights default to true");
        TrainContrastiveConfig off = bind("data: {dataset: d, selection: s, weights: false}\n");
        assertFalse(off.data().weights());
        TrainContrastiveConfig none = bind("data: {dataset: data/prepared/mnist}\n");
        assertNull(none.data().selection());
        assertEquals("data/prepared/mnist", none.data().trainDataset());
    }

    @Test
    void aLongTailOfASelectionIsRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> bind("data: {dataset: d, selection: s, imbalanceRatio: 10}\n"));
        assertTrue(e.getMessage().contains("data.imbalanceRatio: 10.0 must stay at its default on a selection"),
                e.getMessage());
        ConfigException cap = assertThrows(ConfigException.class,
                () -> bind("data: {dataset: d, selection: s, maxPerClass: 50}\n"));
        assertTrue(cap.getMessage().contains("data.maxPerClass: 50 must stay at its default on a selection"),
                cap.getMessage());
        assertEquals(10.0, bind("data: {dataset: d, imbalanceRatio: 10}\n").data().imbalanceRatio(),
                "without a selection the long tail stays available");
    }

    @Test
    void theProbesTrainingDataResolvesAutoByWhetherASelectionIsGiven() {
        ProbeConfig auto = bind("data: {dataset: d}\n").probe();
        assertEquals(ProbeConfig.AUTO, auto.trainData());
        assertFalse(auto.mainOnFullSplit(false), "auto without a selection: the pre-training records");
        assertTrue(auto.mainOnFullSplit(true), "auto with data.selection: the full train split");
        assertFalse(auto.alsoFullSplit());
        ProbeConfig pre = bind("data: {dataset: d}\nprobe: {trainData: pretraining}\n").probe();
        assertFalse(pre.mainOnFullSplit(true), "pretraining keeps the selection's records");
        ProbeConfig full = bind("data: {dataset: d}\nprobe: {trainData: full}\n").probe();
        assertTrue(full.mainOnFullSplit(false));
        ProbeConfig both = bind("data: {dataset: d}\nprobe: {trainData: both}\n").probe();
        assertFalse(both.mainOnFullSplit(false), "both: the main probe stays on the pre-training records");
        assertTrue(both.alsoFullSplit());
        ConfigException e = assertThrows(ConfigException.class,
                () -> bind("data: {dataset: d}\nprobe: {trainData: balanced}\n"));
        assertTrue(e.getMessage().contains("trainData") && e.getMessage().contains("balanced"), e.getMessage());
    }
}

package org.sparktrain.jobs.biencoder;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.sparktrain.config.ConfigException;
import org.sparktrain.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainBiencoderConfigTest {
    @Test
    void shippedConfigBinds() throws Exception {
        String file = "train-biencoder-cranfield.yaml";
        ObjectNode tree = ConfigLoader.parse(Files.readString(Path.of("..", "deploy", "configs", file)), file);
        TrainBiencoderConfig cfg = ConfigLoader.bind(tree, TrainBiencoderConfig.class, file);
        assertEquals("margin", cfg.loss().type());
        assertEquals("adaptive", cfg.loss().target());
        assertFalse(cfg.loss().inBatchNegatives());
        assertEquals("margin(adaptive)", cfg.loss().describe());
        assertEquals(20261127L, cfg.data().splitSeed());
        assertEquals(75, cfg.data().testQueries());
        assertEquals(30, cfg.data().validationQueries());
        assertEquals("idf", cfg.tokenWeights());
        assertNull(cfg.minilm());
        assertEquals(2, cfg.engine().workers());
        assertEquals(32, cfg.engine().batchSize());
        assertEquals("bm25", cfg.data().triples());
    }

    @Test
    void lossDefaultsDependOnTheType() {
        assertTrue(BiencoderLossConfig.infoNce().inBatchNegatives());
        BiencoderLossConfig nce = new BiencoderLossConfig("infonce", null, null, null, null, null, null);
        assertTrue(nce.inBatchNegatives());
        assertEquals("infonce(τ=0.05, in-batch)", nce.describe());
        assertFalse(BiencoderLossConfig.defaults().inBatchNegatives());
        assertEquals("margin(static c=0.4, in-batch)", BiencoderLossConfig.staticMargin(0.4).withInBatchNegatives(true)
                .describe());
    }

    @Test
    void badValuesNameTheirKey() {
        ObjectNode t1 = ConfigLoader.parse("data: {dataset: /x}\nloss: {target: teacher}\n", "t.yaml");
        ConfigException e1 = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind(t1, TrainBiencoderConfig.class, "t.yaml"));
        assertTrue(e1.getMessage().contains("loss.target"), e1.getMessage());
        ObjectNode t2 = ConfigLoader.parse("data: {dataset: /x}\nloss: {target: distributed, inBatchNegatives: true}\n",
                "t.yaml");
        ConfigException e2 = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind(t2, TrainBiencoderConfig.class, "t.yaml"));
        assertTrue(e2.getMessage().contains("inBatchNegatives"), e2.getMessage());
        ObjectNode t3 = ConfigLoader.parse("data: {}\n", "t.yaml");
        ConfigException e3 = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind(t3, TrainBiencoderConfig.class, "t.yaml"));
        assertTrue(e3.getMessage().contains("data.dataset"), e3.getMessage());
        ObjectNode t4 = ConfigLoader.parse("data: {dataset: /x, triples: teacher}\n", "t.yaml");
        ConfigException e4 = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind(t4, TrainBiencoderConfig.class, "t.yaml"));
        assertTrue(e4.getMessage().contains("data.triples"), e4.getMessage());
    }
}

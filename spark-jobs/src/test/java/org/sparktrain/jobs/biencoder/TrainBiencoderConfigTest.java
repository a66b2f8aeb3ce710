package org.sparktrain.jobs.biencoder;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.sparktrain.config.ConfigException;
import org.sparktrain.config.ConfigLoader;
import org.sparktrain.engine.OptimizerConfig;

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
        assertEquals(0, cfg.data().remineEvery());
        assertEquals("final", cfg.selection().metric());
        assertEquals(20, cfg.selection().everySteps());
        assertEquals(OptimizerConfig.defaults("dog"), cfg.optimizer(), "the shipped config has no learning rate");
    }

    @Test
    void encoderDefaultsToPooledAndIsChecked() {
        ObjectNode plain = ConfigLoader.parse("data: {dataset: /x}\n", "t.yaml");
        assertEquals("pooled", ConfigLoader.bind(plain, TrainBiencoderConfig.class, "t.yaml").encoder());
        assertEquals(OptimizerConfig.defaults("dog"), ConfigLoader.bind(plain, TrainBiencoderConfig.class, "t.yaml")
                .optimizer(), "the default optimizer has no learning rate");
        for (String kind : new String[]{"minilm", "minilm-head"}) {
            ObjectNode t = ConfigLoader.parse("encoder: " + kind + "\ndata: {dataset: /x, maxDocumentLength: 64}\n",
                    "t.yaml");
            assertEquals(kind, ConfigLoader.bind(t, TrainBiencoderConfig.class, "t.yaml").encoder());
        }
        ObjectNode unknown = ConfigLoader.parse("encoder: bert-large\ndata: {dataset: /x}\n", "t.yaml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind(unknown, TrainBiencoderConfig.class, "t.yaml"));
        assertTrue(e.getMessage().contains("encoder") && e.getMessage().contains("minilm-head"), e.getMessage());
        // MiniLM has 512 positions; the pooled encoder has none and accepts longer documents
        ObjectNode tooLong = ConfigLoader.parse("encoder: minilm\ndata: {dataset: /x, maxDocumentLength: 600}\n",
                "t.yaml");
        ConfigException e2 = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind(tooLong, TrainBiencoderConfig.class, "t.yaml"));
        assertTrue(e2.getMessage().contains("data.maxDocumentLength") && e2.getMessage().contains("512"),
                e2.getMessage());
        ObjectNode pooledLong = ConfigLoader.parse("data: {dataset: /x, maxDocumentLength: 600}\n", "t.yaml");
        assertEquals(600, ConfigLoader.bind(pooledLong, TrainBiencoderConfig.class, "t.yaml").data()
                .maxDocumentLength());
    }

    @Test
    void selectionDefaultsBindsAndNeedsValidationQueries() {
        ObjectNode plain = ConfigLoader.parse("data: {dataset: /x}\n", "t.yaml");
        TrainBiencoderConfig d = ConfigLoader.bind(plain, TrainBiencoderConfig.class, "t.yaml");
        assertEquals("final", d.selection().metric());
        assertFalse(d.selection().selects());
        assertEquals(500, d.selection().engineFor(d.engine()).checkpointEvery());

        ObjectNode t = ConfigLoader.parse("data: {dataset: /x, validationQueries: 30}\n"
                + "selection: {metric: validation-ndcg10, everySteps: 25}\n", "t.yaml");
        TrainBiencoderConfig cfg = ConfigLoader.bind(t, TrainBiencoderConfig.class, "t.yaml");
        assertTrue(cfg.selection().selects());
        assertEquals(25, cfg.selection().everySteps());
        // the engine's rounds (and checkpoints) end at the evaluation steps; nothing else changes
        assertEquals(25, cfg.selection().engineFor(cfg.engine()).checkpointEvery());
        assertEquals(cfg.engine().batchSize(), cfg.selection().engineFor(cfg.engine()).batchSize());
        assertEquals(20, new BiencoderSelectionConfig("validation-ndcg10", null).everySteps());
        // everySteps 0: epoch ends only, which are checkpoints already
        assertEquals(500, new BiencoderSelectionConfig("validation-ndcg10", 0).engineFor(cfg.engine())
                .checkpointEvery());

        ObjectNode none = ConfigLoader.parse("data: {dataset: /x}\nselection: {metric: validation-ndcg10}\n", "t.yaml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind(none, TrainBiencoderConfig.class, "t.yaml"));
        assertTrue(e.getMessage().contains("data.validationQueries is 0"), e.getMessage());
        assertTrue(e.getMessage().contains("selection.metric"), e.getMessage());
        ObjectNode bad = ConfigLoader.parse("data: {dataset: /x, validationQueries: 30}\nselection: {metric: loss}\n",
                "t.yaml");
        ConfigException e2 = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind(bad, TrainBiencoderConfig.class, "t.yaml"));
        assertTrue(e2.getMessage().contains("selection.metric"), e2.getMessage());
        ObjectNode negative = ConfigLoader.parse("data: {dataset: /x, validationQueries: 30}\n"
                + "selection: {metric: validation-ndcg10, everySteps: -1}\n", "t.yaml");
        ConfigException e3 = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind(negative, TrainBiencoderConfig.class, "t.yaml"));
        assertTrue(e3.getMessage().contains("selection.everySteps"), e3.getMessage());
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

    @Test
    void remineEveryDefaultsToOffAndIsChecked() {
        TrainBiencoderConfig plain = ConfigLoader.bind(ConfigLoader.parse("data: {dataset: /x}\n", "t.yaml"),
                TrainBiencoderConfig.class, "t.yaml");
        assertEquals(0, plain.data().remineEvery());
        assertFalse(plain.data().remines());
        for (String source : new String[]{"model", "bm25"}) {
            TrainBiencoderConfig cfg = ConfigLoader.bind(ConfigLoader.parse("data: {dataset: /x, triples: " + source
                    + ", remineEvery: 1}\nengine: {epochs: 3}\n", "t.yaml"), TrainBiencoderConfig.class, "t.yaml");
            assertEquals(1, cfg.data().remineEvery());
            assertTrue(cfg.data().remines());
        }
        String[][] bad = {
                {"data: {dataset: /x, triples: model, remineEvery: -1}\n", "remineEvery", "at least 0"},
                {"data: {dataset: /x, triples: title-body, remineEvery: 1}\nengine: {epochs: 2}\n", "remineEvery",
                        "title-body"},
                {"data: {dataset: /x, triples: sentence-rest, remineEvery: 1}\nengine: {epochs: 2}\n", "remineEvery",
                        "sentence-rest"},
                {"data: {dataset: /x, triples: model, remineEvery: 2}\nengine: {epochs: 2}\n", "data.remineEvery",
                        "engine.epochs = 2"},
                // the default engine.epochs is 2
                {"data: {dataset: /x, triples: model, remineEvery: 3}\n", "data.remineEvery", "no re-mining"},
        };
        for (String[] b : bad) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigLoader.bind(ConfigLoader.parse(b[0], "t.yaml"), TrainBiencoderConfig.class, "t.yaml"),
                    b[0]);
            assertTrue(e.getMessage().contains(b[1]) && e.getMessage().contains(b[2]), e.getMessage());
        }
        // the rounds of E = 5 epochs re-mined every 2: [0, 2), [2, 4), [4, 5)
        assertEquals(3, Remining.rounds(5, 2));
        assertEquals(2, Remining.stopEpoch(0, 5, 2));
        assertEquals(4, Remining.stopEpoch(1, 5, 2));
        assertEquals(5, Remining.stopEpoch(2, 5, 2));
        assertEquals(1, Remining.rounds(5, 0));
        assertEquals(0, Remining.stopEpoch(0, 5, 0));
        assertEquals(1, Remining.roundOfEpoch(3, 5, 2));
        assertEquals(2, Remining.roundOfEpoch(5, 5, 2));
    }

    @Test
    void changedCountsNewTriplesAsAMultiset() {
        var a = new org.sparktrain.retrieval.train.TrainingTriple("q", "p", "n1");
        var b = new org.sparktrain.retrieval.train.TrainingTriple("q", "p", "n2");
        var c = new org.sparktrain.retrieval.train.TrainingTriple("q", "p", "n3");
        assertEquals(0, Remining.changed(java.util.List.of(a, b), java.util.List.of(b, a)));
        assertEquals(1, Remining.changed(java.util.List.of(a, b), java.util.List.of(a, c)));
        // a triple drawn twice where the previous round drew it once: one new
        assertEquals(1, Remining.changed(java.util.List.of(a, b), java.util.List.of(a, a)));
        assertEquals(2, Remining.changed(java.util.List.of(), java.util.List.of(a, b)));
    }
}

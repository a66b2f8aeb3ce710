package org.sparktrain.jobs.select;

import org.junit.jupiter.api.Test;
import org.sparktrain.config.ConfigLoader;
import org.sparktrain.data.sampling.SelectionSettings;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped select config binds the selection options; omitted options keep the defaults (label-aware only when a model is given). */
class SelectConfigBindingTest {
    @Test
    void shippedConfigBindsTheSelectionOptionsAndDefaultsKeepTheSpecProcedure() throws Exception {
        Path file = Path.of("..", "deploy", "configs", "select-mnist.yaml");
        SelectConfig cfg = ConfigLoader.bind(ConfigLoader.parse(Files.readString(file), file.toString()),
                SelectConfig.class, file.toString());
        SelectionSettings s = cfg.selection();
        assertTrue(s.labelAware());
        assertEquals(0.9, s.lambdaQuantile());
        assertEquals(1000, s.calibrationSize());
        assertEquals(0.0, s.uniformMix());
        assertEquals(100, s.k());

        String minimal = "data: {dataset: d}\noutput: o\nselection: {m: 10}\n";
        SelectionSettings d = ConfigLoader.bind(ConfigLoader.parse(minimal, "minimal"), SelectConfig.class, "minimal")
                .selection();
        assertNull(d.labelAware()); // unset: label-aware exactly when a model's loss depends on a class label
        assertTrue(d.labelAwareFor(true, 10, 100));
        assertFalse(d.labelAwareFor(false, 10, 100));
        assertNull(d.lambdaQuantile());
        assertNull(d.lambda()); // unset: calibrated (q = 0.9) when a model's loss depends on a class label, else 1
        assertEquals(0.9, d.resolvedFor(true, 10, 100).lambdaQuantile());
        assertEquals(1.0, d.resolvedFor(false, 10, 100).lambda());
        assertEquals(2.0, d.z());
        assertEquals(0.0, d.uniformMix());
    }
}

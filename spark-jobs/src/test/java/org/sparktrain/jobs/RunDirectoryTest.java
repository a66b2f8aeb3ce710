package org.sparktrain.jobs;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run-directory steps every training job shares: writability check, config.yaml, resume step. */
class RunDirectoryTest {
    private static final Configuration CONF = new Configuration();

    @Test
    void createWithConfigWritesTheConfigAsYaml(@TempDir Path tmp) {
        RunDirectory run = new RunDirectory(tmp.toString(), "r1", CONF);
        run.checkWritable();
        run.createWithConfig(Map.of("seed", 7));
        assertEquals("seed: 7\n", run.readText("config.yaml"));
    }

    @Test
    void checkWritableNamesTheBlockingFile(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("out"), "a file, not a directory");
        BadInputException e = assertThrows(BadInputException.class,
                () -> new RunDirectory(tmp.resolve("out").toString(), "r1", CONF).checkWritable());
        assertTrue(e.getMessage().contains("out/r1/config.yaml") && e.getMessage().contains("is a file"),
                e.getMessage());
    }

    @Test
    void resumeStepIsTheNewestCompleteCheckpointWhenResuming(@TempDir Path tmp) throws IOException {
        RunDirectory run = new RunDirectory(tmp.toString(), "r1", CONF);
        run.create();
        assertEquals(-1, run.resumeStep(true), "no checkpoints yet");
        Path checkpoints = tmp.resolve("r1/checkpoints");
        for (String step : new String[]{"step-000000007", "step-000000012"}) {
            Files.createDirectories(checkpoints.resolve(step));
            Files.writeString(checkpoints.resolve(step).resolve("state.json"), "{}");
        }
        // a directory without state.json is an unfinished checkpoint and does not count
        Files.createDirectories(checkpoints.resolve("step-000000020"));
        assertEquals(12, run.resumeStep(true));
        assertEquals(-1, run.resumeStep(false), "a fresh run keeps no metrics records");
    }
}

package org.sparktrain.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.sparktrain.config.ConfigLoader;
import org.sparktrain.jobs.Job;
import org.sparktrain.testing.CliRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * Every example config in deploy/configs passes {@code --dry-run} of its job (the job whose name starts the file
 * name), and the resolved config of every training job's example (what a run writes to config.yaml, optimizer
 * included) binds again to the same config. The quickstart configs keep the tuned Adam with cosine decay of their
 * verified runs.
 */
class ShippedConfigsTest {
    static List<Path> configs() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("..", "deploy", "configs"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** The registered job with the longest name that starts the file name. */
    static Job<?> jobOf(Path file) {
        String name = file.getFileName().toString();
        return JobRegistry.all().values().stream().filter(j -> name.startsWith(j.name() + "-"))
                .max(Comparator.comparingInt(j -> j.name().length())).orElse(null);
    }

    @Test
    void everyShippedConfigPassesDryRunAndTrainingConfigsResolveAndBindAgain() throws Exception {
        List<Path> files = configs();
        assertTrue(files.size() >= 8, "configs found: " + files);
        for (Path file : files) {
            Job<?> job = jobOf(file);
            assertNotNull(job, "no job for " + file);
            CliRun run = cli(job.name(), "--config", file.toString(), "--dry-run");
            assertEquals(0, run.code(), file + ": " + run.err());
            if (!job.name().startsWith("train-") && !job.name().equals("quickstart")) {
                continue;
            }
            Object config = ConfigLoader.bind(ConfigLoader.parse(Files.readString(file), file.toString()),
                    job.configType(), file.toString());
            String resolved = ConfigLoader.toYaml(config);
            Object again = ConfigLoader.bind(ConfigLoader.parse(resolved, "resolved"), job.configType(), "resolved");
            assertEquals(resolved, ConfigLoader.toYaml(again), file + ": resolved config round trip");
        }
    }

    @Test
    void quickstartConfigsKeepTheirVerifiedTunedAdamWithCosineDecay() throws Exception {
        for (String name : List.of("quickstart-mnist.yaml", "quickstart-fashion-mnist.yaml")) {
            ObjectNode tree = ConfigLoader.parse(Files.readString(Path.of("..", "deploy", "configs", name)), name);
            assertEquals("adam", tree.at("/train/optimizer/type").asText(), name);
            assertEquals("cosine", tree.at("/train/optimizer/schedule").asText(), name);
            assertFalse(tree.at("/train/optimizer/learningRate").isMissingNode(), name);
        }
    }
}

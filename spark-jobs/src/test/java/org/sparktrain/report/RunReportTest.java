package org.sparktrain.report;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadInputException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunReportTest {
    static Path run(Path dir) throws IOException {
        Path run = Files.createDirectories(dir.resolve("my-run"));
        List<String> lines = new ArrayList<>();
        for (int s = 1; s <= 200; s++) {
            String extra = s % 50 == 0 ? String.format(Locale.ROOT, ",\"samplesPerSecond\":%d,\"elapsedSeconds\":%d", 1000 + s, s) : "";
            lines.add(String.format(Locale.ROOT, "{\"type\":\"train\",\"step\":%d,\"epoch\":%d,\"loss\":%.5f%s}",
                    s, (s - 1) / 100, 2.0 / s + 0.01 * Math.sin(s), extra));
        }
        for (int e = 0; e < 3; e++) {
            lines.add(String.format(Locale.ROOT, "{\"type\":\"validation\",\"step\":%d,\"epoch\":%d,\"accuracy\":%.2f,\"loss\":%.2f}",
                    (e + 1) * 66, e, 0.8 + 0.05 * e, 0.5 - 0.1 * e));
        }
        lines.add("{\"type\":\"moe\",\"step\":10,\"maxVio\":0.3,\"tokensPerExpert\":[[1,2],[3,4]]}");
        lines.add("{\"type\":\"moe\",\"step\":20,\"maxVio\":0.1,\"tokensPerExpert\":[[2,2],[3,3]]}");
        lines.add("{\"type\":\"train\",\"step\":201,\"lo");
        Files.write(run.resolve("metrics.jsonl"), lines);
        Files.writeString(run.resolve("eval.json"), "{\"split\":\"test\",\"count\":30,\"accuracy\":0.8,\"loss\":0.41,"
                + "\"perClassAccuracy\":[0.9,0.8,0.7],\"confusionMatrix\":[[9,1,0],[1,8,1],[1,2,7]],"
                + "\"classNames\":[\"cat\",\"dog\",\"<fox>\"]}");
        Files.writeString(run.resolve("config.yaml"), "runId: my-run\nnote: a < b & c\n");
        return run;
    }

    @Test
    void writesAPageWithSummaryTablesAndValidCharts(@TempDir Path dir) throws IOException {
        Path run = run(dir);
        String page = RunReport.write(run.toString(), new Configuration());
        assertTrue(page.endsWith("report.html"));
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("sparktrain run my-run"));
        assertTrue(html.contains("80.00%"), "test accuracy from eval.json");
        assertTrue(html.contains("note: a &lt; b &amp; c"), "config is escaped");
        assertTrue(html.contains("&lt;fox&gt;"), "class names are escaped");
        assertTrue(html.contains("unreadable metrics lines skipped (crash?)</td><td>1<"), "the cut line is counted");
        for (String png : List.of("loss.png", "throughput.png", "accuracy.png", "validation-loss.png",
                "confusion-matrix.png", "moe-maxVio.png")) {
            Path file = run.resolve("report").resolve(png);
            BufferedImage img = ImageIO.read(file.toFile());
            assertNotNull(img, png);
            assertEquals(800, img.getWidth());
            assertEquals(450, img.getHeight());
            assertTrue(distinctColours(img) > 20, png + " is not blank");
            assertTrue(html.contains("report/" + png), png + " is on the page");
        }
        assertEquals(1, RunData.read(run.toString(), new Configuration()).skippedLines());
    }

    @Test
    void perClassAccuracyComesFromTheConfusionMatrix() {
        double[] acc = EvaluationSection.perClassAccuracy(new long[][]{{9, 1, 0}, {1, 8, 1}, {1, 2, 7}, {0, 0, 0}});
        assertArrayEquals(new double[]{0.9, 0.8, 0.7, Double.NaN}, acc, 1e-12);
    }

    @Test
    void rewritingReplacesCleanlyAndAMissingRunIsNamed(@TempDir Path dir) throws IOException {
        Path run = run(dir);
        RunReport.write(run.toString(), new Configuration());
        RunReport.write(run.toString(), new Configuration());
        try (Stream<Path> s = Files.list(run)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".tmp-")
                    || p.getFileName().toString().contains(".old-")), "no temporary leftovers");
        }
        BadInputException e = assertThrows(BadInputException.class,
                () -> RunReport.write(dir.resolve("nope").toString(), new Configuration()));
        assertTrue(e.getMessage().contains(dir.resolve("nope").toString()), e.getMessage());
    }

    @Test
    void movingAverageIsTheTrailingMean() {
        assertArrayEquals(new double[]{1, 1.5, 2, 3, 4}, Charts.movingAverage(new double[]{1, 2, 3, 4, 5}, 3), 1e-12);
    }

    static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> c = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                c.add(img.getRGB(x, y));
            }
        }
        return c.size();
    }
}

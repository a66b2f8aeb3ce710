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
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End to end: a synthetic run directory in, report.html and PNG charts out. */
class RunReportTest {
    private static final List<String> EXPECTED_CHARTS = List.of("loss.png", "accuracy.png", "confusion-matrix.png",
            "train-samplesPerSecond.png", "train-elapsedSeconds.png", "train-lr.png", "moe-maxVio.png", "moe-bias.png");

    @Test
    void writesPageWithRunIdSummaryAndEscapedConfig(@TempDir Path tmp) throws IOException {
        Path run = SyntheticRun.create(tmp);
        String target = RunReport.write(run.toString(), new Configuration());

        assertTrue(target.endsWith("/" + SyntheticRun.RUN_ID + "/report.html"), target);
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("<title>sparktrain run lenet-run_7</title>"));
        assertTrue(html.contains("<h1>sparktrain run <code>lenet-run_7</code></h1>"));
        assertRow(html, "test accuracy (eval.json)", "0.8839");
        assertRow(html, "final training loss", Formats.fixed(SyntheticRun.trainLoss(199)));
        assertRow(html, "final validation accuracy", "0.9700");
        assertRow(html, "steps", "2,000");
        assertRow(html, "epochs", "3");
        assertRow(html, "training time", "3m20s (" + RunSummary.FROM_TRAIN + ")");
        assertRow(html, "mean samples/s", "949.8");
        assertTrue(html.contains("metrics.jsonl: skipped 1 unreadable line(s)"));
        assertTrue(html.contains("metrics.jsonl line " + (SyntheticRun.metricsLines().size()) + ": not valid JSON"));
        assertTrue(html.contains("<pre>runId: lenet-run_7\nmodel:\n  type: lenet5   # &lt;b&gt;not bold&lt;/b&gt; &amp; more\n</pre>"),
                "config verbatim and escaped");
        assertFalse(html.contains("<b>not bold</b>"));
        assertTrue(html.contains("<th>citation</th><td>LeCun et al."), "model card");
        assertTrue(html.contains("<th>data.dataset</th><td>pets</td>"), "nested model card fields");
        assertTrue(html.contains("tokensPerExpert (nested array)"), "nested arrays are listed, not charted");
        assertTrue(html.contains("moving average"), "the noisy training loss gets a moving average");
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("http://") || html.contains("https://"), "no external resources");
    }

    @Test
    void perClassTableMatchesTheConfusionMatrix(@TempDir Path tmp) throws IOException {
        Path run = SyntheticRun.create(tmp);
        RunReport.write(run.toString(), new Configuration());
        String html = Files.readString(run.resolve("report.html"));
        double[] expected = SyntheticRun.perClassAccuracy();
        String[] names = {"cat", "dog", "&lt;bird&gt;"};
        long[] support = {55, 50, 50};
        for (int k = 0; k < 3; k++) {
            String cells = "<td>" + names[k] + "</td><td class=\"num\">" + support[k] + "</td><td class=\"num\">"
                    + SyntheticRun.CONFUSION[k][k] + "</td><td class=\"num\">" + Formats.fixed(expected[k]) + "</td>";
            assertTrue(html.contains(cells), "per-class row " + k + ": " + cells);
        }
        assertFalse(html.contains("eval.json: perClassAccuracy"), "given per-class accuracies agree: no notice");
    }

    @Test
    void everyChartIsAValidNonBlank800x450Png(@TempDir Path tmp) throws IOException {
        Path run = SyntheticRun.create(tmp);
        RunReport.write(run.toString(), new Configuration());
        String html = Files.readString(run.resolve("report.html"));
        for (String name : EXPECTED_CHARTS) {
            Path png = run.resolve("report").resolve(name);
            assertTrue(Files.isRegularFile(png), name + " exists");
            BufferedImage img = ImageIO.read(png.toFile());
            assertNotNull(img, name + " is a PNG");
            assertEquals(800, img.getWidth(), name);
            assertEquals(450, img.getHeight(), name);
            assertTrue(luminanceVariance(img) > 0, name + " is not blank");
            assertTrue(html.contains("<img src=\"report/" + name + "\" width=\"800\" height=\"450\""), name + " shown");
        }
        assertFalse(Files.exists(run.resolve("report/train-loss.png")), "train.loss has a dedicated chart");
        assertFalse(Files.exists(run.resolve("report/validation-accuracy.png")), "validation.accuracy too");
    }

    @Test
    void skippedLineCountIsOne(@TempDir Path tmp) throws IOException {
        Path run = SyntheticRun.create(tmp);
        RunData data = RunData.load(run.toString(), new Configuration());
        assertEquals(1, data.metrics().skippedLines());
        assertEquals(SyntheticRun.TRAIN_RECORDS, data.metrics().ofType("train").size());
        assertEquals(3, data.metrics().ofType("validation").size());
        assertEquals(5, data.metrics().ofType("moe").size());
    }

    @Test
    void secondWriteReplacesTheFirstWithoutLeftovers(@TempDir Path tmp) throws IOException {
        Path run = SyntheticRun.create(tmp);
        RunReport.write(run.toString(), new Configuration());
        Files.writeString(run.resolve("report/stale.png"), "from an older report");
        Files.delete(run.resolve("eval.json"));

        RunReport.write(run.toString(), new Configuration());

        assertFalse(Files.exists(run.resolve("report/stale.png")), "the chart directory is replaced as a whole");
        assertFalse(Files.exists(run.resolve("report/confusion-matrix.png")), "no chart of the deleted eval.json");
        assertTrue(Files.exists(run.resolve("report/loss.png")));
        assertFalse(Files.readString(run.resolve("report.html")).contains("confusion-matrix.png"));
        try (Stream<Path> files = Files.list(run)) {
            Set<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertTrue(names.stream().noneMatch(n -> n.contains(".tmp-") || n.contains(".old-")), names.toString());
        }
    }

    @Test
    void missingRunDirectoryFailsNamingThePathAndCreatesNothing(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-run");
        BadInputException e = assertThrows(BadInputException.class,
                () -> RunReport.write(missing.toString(), new Configuration()));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(missing));
    }

    @Test
    void runDirectoryThatIsAFileFailsNamingThePath(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        BadInputException e = assertThrows(BadInputException.class,
                () -> RunReport.write(file.toString(), new Configuration()));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a directory"),
                e.getMessage());
    }

    @Test
    void runWithOnlyAConfigStillGetsAReport(@TempDir Path tmp) throws IOException {
        Path run = Files.createDirectories(tmp.resolve("empty-run"));
        Files.writeString(run.resolve("config.yaml"), "a: 1\n");
        Files.writeString(run.resolve("eval.json"), "{\"split\":\"test\",\"acc");
        RunReport.write(run.toString(), new Configuration());
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("metrics.jsonl not found"));
        assertTrue(html.contains("eval.json is not valid JSON"));
        assertRow(html, "final training loss", "n/a");
        assertTrue(html.contains("<pre>a: 1\n</pre>"));
        try (Stream<Path> charts = Files.list(run.resolve("report"))) {
            assertEquals(0, charts.count());
        }
    }

    /** Asserts a key/value row of a headerless table, whatever the value cell's alignment class. */
    static void assertRow(String html, String key, String value) {
        Pattern row = Pattern.compile("<th>" + Pattern.quote(Html.escape(key)) + "</th><td( class=\"num\")?>"
                + Pattern.quote(Html.escape(value)) + "</td>");
        assertTrue(row.matcher(html).find(), "row '" + key + "' = '" + value + "'");
    }

    static double luminanceVariance(BufferedImage img) {
        double sum = 0;
        double sumSq = 0;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                double l = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
                sum += l;
                sumSq += l * l;
                n++;
            }
        }
        double mean = sum / n;
        return sumSq / n - mean * mean;
    }
}

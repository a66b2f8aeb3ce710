package org.sparktrain.jobs.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.testing.CliRun;
import org.sparktrain.testing.SharedSpark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * {@code sparktrain prepare} through the CLI on the reader sources: generated CIFAR-10 binary batches and the real
 * Cranfield collection (manifests checked), a truncated CIFAR record (exit code 2, the file and record named, no
 * output left; then skipped with {@code maxSkipped}), and config errors naming the key.
 */
@ExtendWith(SharedSpark.class)
class PrepareSourcesCliSparkTest {
    @TempDir
    static Path dir;

    static JsonNode manifest(Path out) throws IOException {
        return new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    }

    static boolean hasTempLeftovers() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().contains(".tmp-"));
        }
    }

    /** A CIFAR-10 record: label byte, then 3,072 pixel bytes (R, G, B planes of 32x32). */
    static byte[] record(int label, int seed) {
        byte[] b = new byte[3073];
        b[0] = (byte) label;
        for (int i = 0; i < 3072; i++) {
            b[1 + i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    /** cifar-10-batches-bin with 3 records per batch file (labels (b + r) % 10). */
    static Path cifar10(String name) throws IOException {
        Path root = Files.createDirectories(dir.resolve(name).resolve("cifar-10-batches-bin"));
        for (int b = 1; b <= 6; b++) {
            byte[] batch = new byte[3 * 3073];
            for (int r = 0; r < 3; r++) {
                System.arraycopy(record((b + r) % 10, b * 3 + r), 0, batch, r * 3073, 3073);
            }
            Files.write(root.resolve(b == 6 ? "test_batch.bin" : "data_batch_" + b + ".bin"), batch);
        }
        return root;
    }

    @BeforeAll
    static void session(SparkSession spark) {
        // the shared session: the CLI uses it and does not stop it
    }

    @Test
    void cifar10ThroughTheCli() throws IOException {
        Path in = cifar10("cifar");
        Path out = dir.resolve("cifar-prepared");
        CliRun r = cli("prepare", "--set", "source=cifar10", "--set", "dir=" + in.getParent(), "--set",
                "output=" + out);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[prepare] cifar10 "), r.out());
        JsonNode m = manifest(out);
        assertEquals("cifar10", m.get("name").asText());
        assertEquals("[3,32,32]", m.get("featureShape").toString());
        assertEquals(15, m.at("/splits/train/count").asInt());
        assertEquals(3, m.at("/splits/test/count").asInt());
        // train labels: batch b (1..5) has b, b+1, b+2: 1 once, 2 twice, 3..5 three times, 6 twice, 7 once
        assertEquals("[0,1,2,3,3,3,2,1,0,0]", m.at("/splits/train/classHistogram").toString());
        assertEquals(6, m.get("sources").size());

        CliRun again = cli("prepare", "--set", "source=cifar10", "--set", "dir=" + in.getParent(), "--set",
                "output=" + out);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("already prepared from the same files"), again.out());
    }

    @Test
    void truncatedCifarRecordExitsWithTwoAndLeavesNoOutput() throws IOException {
        Path in = cifar10("cifar-bad");
        Path batch = in.resolve("data_batch_3.bin");
        byte[] bytes = Files.readAllBytes(batch);
        Files.write(batch, Arrays.copyOf(bytes, bytes.length - 5));
        Path out = dir.resolve("cifar-bad-prepared");
        CliRun r = cli("prepare", "--set", "source=cifar10", "--set", "dir=" + in, "--set", "output=" + out);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("data_batch_3.bin record 2: truncated CIFAR record"), r.err());
        assertFalse(Files.exists(out), "no output directory");
        assertFalse(hasTempLeftovers(), "no temporary directory");

        CliRun skipped = cli("prepare", "--set", "source=cifar10", "--set", "dir=" + in, "--set", "output=" + out,
                "--set", "maxSkipped=1");
        assertEquals(0, skipped.code(), skipped.err());
        JsonNode m = manifest(out);
        assertEquals(14, m.at("/splits/train/count").asInt());
        assertEquals(1, m.get("skipped").asInt());
        assertEquals(1, m.at("/skipReport/byReason/truncated-record").asInt());
        assertTrue(skipped.out().contains("skipped 1 bad records {truncated-record=1}"), skipped.out());
    }

    @Test
    void cranfieldFromAYamlConfig() throws IOException {
        Path cranfield = Path.of(System.getProperty("sparktrain.shared.dir", "../../shared"), "data", "cranfield");
        assumeTrue(Files.isRegularFile(cranfield.resolve("cranqrel")), "Cranfield collection not found at " + cranfield);
        Path out = dir.resolve("cranfield");
        Path yaml = Files.writeString(dir.resolve("cranfield.yaml"), "source: cranfield\ndir: " + cranfield
                + "\noutput: " + out + "\n");
        CliRun r = cli("prepare", "--config", yaml.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cranfield (text-retrieval), corpus 1400, queries 225, qrels 1837"), r.out());
        JsonNode m = manifest(out);
        assertEquals("text-retrieval", m.get("kind").asText());
        assertEquals(1400, m.at("/tables/corpus").asInt());
        assertEquals(225, m.at("/tables/queries").asInt());
        assertEquals(1837, m.at("/tables/qrels").asInt());
        assertEquals(0, m.get("skipped").asInt());
        assertEquals(3, m.get("sources").size());
    }

    @Test
    void configErrorsNameTheKey() {
        CliRun noTable = cli("prepare", "--set", "source=csv", "--set", "output=" + dir.resolve("x"));
        assertEquals(2, noTable.code());
        assertTrue(noTable.err().contains("table: is required when source is csv"), noTable.err());

        CliRun noLabel = cli("prepare", "--set", "source=csv", "--set", "table.train=/a.csv", "--set",
                "table.task=classification", "--set", "output=" + dir.resolve("x"));
        assertEquals(2, noLabel.code());
        assertTrue(noLabel.err().contains("table.labelColumn: is required for csv"), noLabel.err());

        CliRun wrongGroup = cli("prepare", "--set", "source=cifar10", "--set", "dir=/d", "--set", "image.size=32",
                "--set", "output=" + dir.resolve("x"));
        assertEquals(2, wrongGroup.code());
        assertTrue(wrongGroup.err().contains("image: is only for source image-folder"), wrongGroup.err());

        CliRun badSize = cli("prepare", "--set", "source=image-folder", "--set", "dir=/d", "--set", "image.size=0",
                "--set", "output=" + dir.resolve("x"));
        assertEquals(2, badSize.code());
        assertTrue(badSize.err().contains("image.size: must be at least 1, got 0"), badSize.err());

        CliRun unknown = cli("prepare", "--set", "source=cifar", "--set", "output=" + dir.resolve("x"));
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("source: must be one of [mnist, fashion-mnist, idx, cifar10, cifar100, "
                + "image-folder, msmarco, beir, cranfield, text-lines, jsonl, csv, libsvm, fann]"), unknown.err());

        CliRun missing = cli("prepare", "--set", "source=beir", "--set", "dir=" + dir.resolve("no-beir"), "--set",
                "output=" + dir.resolve("x"));
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no-beir/corpus.jsonl"), missing.err());
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void msmarcoFromYamlAndCsvFromSetOptions() throws IOException {
        Path mm = Files.createDirectories(dir.resolve("mm"));
        Files.writeString(mm.resolve("collection.tsv"), "0\tzero\n1\tone\n");
        Files.writeString(mm.resolve("queries.train.tsv"), "5\twhich one\n");
        Files.writeString(mm.resolve("queries.dev.tsv"), "6\tunjudged\n");
        Files.writeString(mm.resolve("qrels.train.tsv"), "5\t0\t1\t1\n");
        Path out = dir.resolve("mm-out");
        Path yaml = Files.writeString(dir.resolve("mm.yaml"), String.join("\n", "source: msmarco", "dir: " + mm,
                "text:", "  queries: [queries.train.tsv, queries.dev.tsv]", "  qrels: [qrels.train.tsv]",
                "  judgedQueriesOnly: true", "output: " + out, ""));
        CliRun r = cli("prepare", "--config", yaml.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode m = manifest(out);
        assertEquals(2, m.at("/tables/corpus").asInt());
        assertEquals(1, m.at("/tables/queries").asInt());
        assertEquals(1, m.at("/tables/qrels").asInt());
        assertEquals("1", m.at("/properties/queriesWithoutJudgments").asText());

        Path csv = Files.writeString(dir.resolve("t.csv"), "a;b;y\n1;2;no\n3;4;yes\n5;6;no\n");
        Path csvOut = dir.resolve("csv-out");
        CliRun c = cli("prepare", "--set", "source=csv", "--set", "table.train=" + csv, "--set",
                "table.task=classification", "--set", "table.labelColumn=y", "--set", "table.delimiter=;", "--set",
                "classNames=['yes', 'no']", "--set", "output=" + csvOut); // quoted: YAML reads bare yes/no as booleans
        assertEquals(0, c.code(), c.err());
        JsonNode t = manifest(csvOut);
        assertEquals("table-classification", t.get("kind").asText());
        assertEquals("[\"a\",\"b\"]", t.get("featureNames").toString());
        assertEquals("[\"yes\",\"no\"]", t.get("classNames").toString());
        assertEquals("[1,2]", t.at("/splits/train/classHistogram").toString());
    }
}

package org.sparktrain.jobs.biencoder;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.text.RetrievalDataset;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparktrain.testing.CliRun.cli;

/**
 * Prepared copies of the real Cranfield collection ({@code ../shared/data/cranfield}) for the train-biencoder CLI
 * tests: the whole collection ({@code sparktrain prepare}, source cranfield), and a small BEIR folder cut from it
 * (queries with few judgments, their judged documents and the first other documents, written as corpus.jsonl,
 * queries.jsonl and qrels/test.tsv, then prepared with source beir) so the transformer encoders train in seconds.
 */
final class CranfieldFixture {
    private CranfieldFixture() {
    }

    /**
     * The arguments of {@code train-biencoder} with the shipped config ({@code deploy/configs/train-biencoder-cranfield.yaml})
     * and one {@code --set} per setting, {@code settings} first, then {@code more} (a later setting wins).
     */
    static List<String> trainBiencoder(List<String> settings, String... more) {
        List<String> args = new ArrayList<>(List.of("train-biencoder", "--config",
                Path.of("..", "deploy", "configs", "train-biencoder-cranfield.yaml").toString()));
        for (String s : settings) {
            args.add("--set");
            args.add(s);
        }
        for (String m : more) {
            args.add("--set");
            args.add(m);
        }
        return args;
    }

    static Path raw() {
        return Path.of(System.getProperty("sparktrain.shared.dir", "../../shared"), "data", "cranfield")
                .toAbsolutePath();
    }

    /** {@code sparktrain prepare} of the whole collection into {@code dir/prepared}. */
    static Path prepare(Path dir) throws IOException {
        StringBuilder log = new StringBuilder();
        Path yaml = Files.writeString(dir.resolve("prepare.yaml"), "source: cranfield\ndir: " + raw()
                + "\nname: cranfield\noutput: " + dir.resolve("prepared") + "\n");
        assertEquals(0, cli(List.of("prepare", "--config", yaml.toString()), log), log.toString());
        return dir.resolve("prepared");
    }

    /**
     * A BEIR cut of a prepared Cranfield: the first {@code queries} queries (by id) with 2 to 5 judged documents,
     * all their judged documents plus the first {@code extraDocuments} others (by id), prepared into
     * {@code dir/small-prepared}.
     */
    static Path small(SparkSession spark, Path prepared, Path dir, int queries, int extraDocuments) throws IOException {
        Map<String, List<String[]>> judged = new TreeMap<>();
        for (Row r : RetrievalDataset.readTable(spark, prepared.toString(), RetrievalDataset.QRELS).collectAsList()) {
            judged.computeIfAbsent(r.getString(0), q -> new ArrayList<>())
                    .add(new String[]{r.getString(1), Integer.toString(r.getInt(2))});
        }
        Map<String, String> queryText = new TreeMap<>();
        for (Row r : RetrievalDataset.readTable(spark, prepared.toString(), RetrievalDataset.QUERIES)
                .select("queryId", "text").collectAsList()) {
            queryText.put(r.getString(0), r.getString(1));
        }
        Map<String, List<String[]>> chosen = new LinkedHashMap<>();
        for (var e : judged.entrySet()) {
            if (chosen.size() < queries && e.getValue().size() >= 2 && e.getValue().size() <= 5) {
                chosen.put(e.getKey(), e.getValue());
            }
        }
        Set<String> docIds = new LinkedHashSet<>();
        chosen.values().forEach(l -> l.forEach(j -> docIds.add(j[0])));
        Map<String, String[]> corpus = new TreeMap<>();
        for (Row r : RetrievalDataset.readTable(spark, prepared.toString(), RetrievalDataset.CORPUS)
                .select("docId", "title", "text").collectAsList()) {
            corpus.put(r.getString(0), new String[]{r.getString(1), r.getString(2)});
        }
        int extra = 0;
        for (String id : corpus.keySet()) {
            if (extra < extraDocuments && docIds.add(id)) {
                extra++;
            }
        }
        Path beir = Files.createDirectories(dir.resolve("small-beir"));
        Files.createDirectories(beir.resolve("qrels"));
        ObjectMapper json = new ObjectMapper();
        try (Writer w = Files.newBufferedWriter(beir.resolve("corpus.jsonl"))) {
            for (String id : docIds) {
                w.write(json.writeValueAsString(Map.of("_id", id, "title", corpus.get(id)[0], "text", corpus.get(id)[1]))
                        + "\n");
            }
        }
        try (Writer w = Files.newBufferedWriter(beir.resolve("queries.jsonl"))) {
            for (String q : chosen.keySet()) {
                w.write(json.writeValueAsString(Map.of("_id", q, "text", queryText.get(q))) + "\n");
            }
        }
        try (Writer w = Files.newBufferedWriter(beir.resolve("qrels").resolve("test.tsv"))) {
            w.write("query-id\tcorpus-id\tscore\n");
            for (var e : chosen.entrySet()) {
                for (String[] j : e.getValue()) {
                    w.write(e.getKey() + "\t" + j[0] + "\t" + j[1] + "\n");
                }
            }
        }
        StringBuilder log = new StringBuilder();
        Path yaml = Files.writeString(dir.resolve("prepare-small.yaml"), "source: beir\ndir: " + beir
                + "\nname: cranfield-small\noutput: " + dir.resolve("small-prepared") + "\n");
        assertEquals(0, cli(List.of("prepare", "--config", yaml.toString()), log), log.toString());
        return dir.resolve("small-prepared");
    }
}

package org.sparktrain.data.text;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.LocalSpark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.sparktrain.data.BadInputException;

/** MS MARCO, BEIR and plain corpora prepared end to end from small files in their exact formats. */
class TextPreparationSparkTest {
    static SparkSession spark;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("TextPreparationSparkTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content);
    }

    /** The rows of a table as strings of their columns joined by '|', in id order when it has ids. */
    static List<String> rows(String out, String table) {
        var df = RetrievalDataset.readTable(spark, out, table);
        if (List.of(df.columns()).contains("id")) {
            df = df.orderBy("id");
        }
        return df.collectAsList().stream().map(TextPreparationSparkTest::join).toList();
    }

    static String join(Row r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < r.length(); i++) {
            b.append(i == 0 ? "" : "|").append(r.isNullAt(i) ? "null" : r.get(i).toString());
        }
        return b.toString();
    }

    /** A small MS MARCO folder: 4 passages, train and dev queries, TREC qrels, id triples. */
    static Path msmarco(String name, String qrelsExtra) throws IOException {
        write(name + "/collection.tsv", "0\tpassage zero\n1\tpassage one\n2\tpassage two\n3\tpassage three\n");
        write(name + "/queries.train.tsv", "10\twhat is one\n11\twhat is two\n");
        write(name + "/queries.dev.tsv", "20\tunjudged dev query\n");
        write(name + "/qrels.train.tsv", "10\t0\t1\t1\n11\t0\t2\t1\n" + qrelsExtra);
        write(name + "/qidpidtriples.train.tsv", "10\t1\t3\n11\t2\t0\n");
        return dir.resolve(name);
    }

    @Test
    void msMarcoTsvWithQrelsAndIdTriples() throws IOException {
        Path in = msmarco("msmarco", "");
        String out = dir.resolve("msmarco-out").toString();
        DatasetManifest m = new MsMarcoPreparation(in.toString(), "collection.tsv",
                List.of("queries.train.tsv", "queries.dev.tsv"), List.of("qrels.train.tsv"), "qidpidtriples.train.tsv",
                TriplesReader.Format.AUTO, null, false, BadRecords.failFast()).prepare(spark, out);
        assertEquals(DatasetManifest.TEXT_RETRIEVAL, m.kind());
        assertEquals(Map.of("corpus", 4L, "queries", 3L, "qrels", 2L, "triples", 2L), m.tables());
        assertEquals("ids", m.properties().get("triples"));
        assertEquals(5, m.sources().size());
        assertEquals(List.of("0|0||passage zero", "1|1||passage one", "2|2||passage two", "3|3||passage three"),
                rows(out, "corpus"));
        assertEquals(List.of("0|10|what is one", "1|11|what is two", "2|20|unjudged dev query"), rows(out, "queries"));
        assertEquals(List.of("10|1|1", "11|2|1"), rows(out, "qrels"));
        assertEquals(List.of("0|10|1|3|null|null|null", "1|11|2|0|null|null|null"), rows(out, "triples"));

        // judgedQueriesOnly drops the dev query; ids of the others stay
        String judged = dir.resolve("msmarco-judged").toString();
        DatasetManifest j = new MsMarcoPreparation(in.toString(), "collection.tsv",
                List.of("queries.train.tsv", "queries.dev.tsv"), List.of("qrels.train.tsv"), null, null, "mm", true,
                BadRecords.failFast()).prepare(spark, judged);
        assertEquals(2L, j.table("queries"));
        assertEquals("1", j.properties().get("queriesWithoutJudgments"));
        assertEquals(List.of("0|10|what is one", "1|11|what is two"), rows(judged, "queries"));
    }

    @Test
    void msMarcoTextTriplesNeedNoQueries() throws IOException {
        write("mmtext/collection.tsv", "0\tp\n");
        write("mmtext/triples.train.small.tsv", "is it ok\tyes it is.\tno idea here\n");
        String out = dir.resolve("mmtext-out").toString();
        DatasetManifest m = new MsMarcoPreparation(dir.resolve("mmtext").toString(), "collection.tsv", null, null,
                "triples.train.small.tsv", TriplesReader.Format.TEXT, null, false, BadRecords.failFast())
                .prepare(spark, out);
        assertEquals(DatasetManifest.TEXT_CORPUS, m.kind());
        assertEquals(List.of("0|null|null|null|is it ok|yes it is.|no idea here"), rows(out, "triples"));
    }

    @Test
    void beirSplitKeepsTheQueriesItsQrelsJudge() throws IOException {
        write("scifact/corpus.jsonl", "{\"_id\": \"4983\", \"title\": \"Micro\", \"text\": \"Alterations\", "
                + "\"metadata\": {}}\n{\"_id\": \"5836\", \"title\": \"\", \"text\": \"Other\"}\n");
        write("scifact/queries.jsonl", "{\"_id\": \"1\", \"text\": \"q one\", \"metadata\": {}}\n"
                + "{\"_id\": \"3\", \"text\": \"q three\", \"metadata\": {}}\n");
        write("scifact/qrels/test.tsv", "query-id\tcorpus-id\tscore\n3\t5836\t1\n3\t4983\t0\n");
        String out = dir.resolve("scifact-out").toString();
        DatasetManifest m = new BeirPreparation(dir.resolve("scifact").toString(), "test", null, true,
                BadRecords.failFast()).prepare(spark, out);
        assertEquals("scifact", m.name());
        assertEquals(Map.of("corpus", 2L, "queries", 1L, "qrels", 2L), m.tables());
        assertEquals(List.of("0|4983|Micro|Alterations", "1|5836||Other"), rows(out, "corpus"));
        assertEquals(List.of("1|3|q three"), rows(out, "queries"));
        assertEquals(List.of("3|5836|1", "3|4983|0"), rows(out, "qrels"));
    }

    @Test
    void plainAndJsonlCorporaAreTextCorpusDatasets() throws IOException {
        Path lines = write("wiki.txt", "alpha beta\n\ngamma\n");
        String out = dir.resolve("lines-out").toString();
        DatasetManifest m = new TextLinesPreparation(lines.toString(), "auto", null, null, null, null,
                BadRecords.failFast()).prepare(spark, out);
        assertEquals("wiki", m.name());
        assertEquals(DatasetManifest.TEXT_CORPUS, m.kind());
        assertEquals(List.of("0|1||alpha beta", "1|3||gamma"), rows(out, "corpus"));

        Path jsonl = write("docs.jsonl", "{\"id\": \"a\", \"body\": \"first\"}\n{\"id\": 7, \"body\": \"second\"}\n");
        String out2 = dir.resolve("jsonl-out").toString();
        DatasetManifest j = new TextLinesPreparation(jsonl.toString(), "auto", "id", "body", null, null,
                BadRecords.failFast()).prepare(spark, out2);
        assertEquals("jsonl", j.properties().get("format"));
        assertEquals(List.of("0|a||first", "1|7||second"), rows(out2, "corpus"));
    }

    static MsMarcoPreparation msmarcoPreparation(Path in, BadRecords bad) {
        return new MsMarcoPreparation(in.toString(), "collection.tsv", List.of("queries.train.tsv"),
                List.of("qrels.train.tsv"), "qidpidtriples.train.tsv", TriplesReader.Format.IDS, null, false, bad);
    }

    static boolean hasTemporaryDirectory() throws IOException {
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().contains(".tmp-"));
        }
    }

    @Test
    void judgmentsAndTriplesNamingUnknownIdsFailOrAreSkipped() throws IOException {
        // qrels line 3 names document 99, line 4 query 77; triple line 2 names negative document 42
        Path in = msmarco("mmbad", "10\t0\t99\t1\n77\t0\t1\t1\n");
        write("mmbad/qidpidtriples.train.tsv", "10\t1\t3\n11\t2\t42\n");
        String out = dir.resolve("mmbad-out").toString();
        BadInputException e = assertThrows(BadInputException.class,
                () -> msmarcoPreparation(in, BadRecords.failFast()).prepare(spark, out));
        assertTrue(e.getMessage().contains("qrels.train.tsv:4: judgment names query '77', which is not among the "
                + "queries"), e.getMessage());
        assertFalse(Files.exists(Path.of(out)), "no partial output");
        assertFalse(hasTemporaryDirectory());

        DatasetManifest m = msmarcoPreparation(in, BadRecords.skipAll()).prepare(spark, out);
        assertEquals(Map.of("corpus", 4L, "queries", 2L, "qrels", 2L, "triples", 1L), m.tables());
        assertEquals(Map.of(BadRecords.UNKNOWN_QUERY, 1L, BadRecords.UNKNOWN_DOCUMENT, 2L), m.skipReport().byReason());
        assertEquals(3, m.skipped());
        assertEquals(List.of("10|1|1", "11|2|1"), rows(out, "qrels"));
        assertEquals(List.of("0|10|1|3|null|null|null"), rows(out, "triples"));
        assertTrue(m.skipReport().examples().stream().anyMatch(x -> x.location().endsWith("qrels.train.tsv:3")
                && x.message().contains("names document '99'")), m.skipReport().examples().toString());
    }

    @Test
    void emptyCorpusAndMissingFilesFail() throws IOException {
        write("mmempty/collection.tsv", "");
        write("mmempty/queries.train.tsv", "1\tq\n");
        String out = dir.resolve("mmempty-out").toString();
        BadInputException e = assertThrows(BadInputException.class, () -> new MsMarcoPreparation(
                dir.resolve("mmempty").toString(), "collection.tsv", List.of("queries.train.tsv"), null, null, null,
                null, false, BadRecords.skipAll()).prepare(spark, out));
        assertTrue(e.getMessage().contains("has no documents"), e.getMessage());
        assertFalse(Files.exists(Path.of(out)));

        BadInputException missing = assertThrows(BadInputException.class, () -> new BeirPreparation(
                dir.resolve("nothing-here").toString(), "test", null, true, BadRecords.failFast()).inputs(
                spark.sparkContext().hadoopConfiguration()));
        assertTrue(missing.getMessage().contains("nothing-here/corpus.jsonl"), missing.getMessage());
    }
}

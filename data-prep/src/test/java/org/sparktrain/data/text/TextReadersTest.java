package org.sparktrain.data.text;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import org.sparktrain.data.BadInputException;
import java.util.Map;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text readers on small files in the exact MS MARCO, TREC, BEIR and plain formats. */
class TextReadersTest {
    @TempDir
    Path dir;

    SourceFile file(String name, String content) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, content, StandardCharsets.UTF_8);
            return SourceFile.open(new org.apache.hadoop.fs.Path(p.toString()), new Configuration());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> List<T> all(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void msMarcoCollectionAndQueries() {
        List<CorpusDocument> docs = all(MsMarcoTsvReader.documents(file("collection.tsv",
                "0\tThe presence of communication amid scientific minds.\n1\tThe Manhattan Project\r\n\n7\t a\rb \n"),
                BadRecords.failFast()));
        // CRLF is a line end, a lone CR inside a passage is text, blank lines are skipped, fields are trimmed
        assertEquals(List.of(new CorpusDocument("0", "", "The presence of communication amid scientific minds."),
                new CorpusDocument("1", "", "The Manhattan Project"), new CorpusDocument("7", "", "a\rb")), docs);
        List<TextQuery> queries = all(MsMarcoTsvReader.queries(file("queries.train.tsv",
                "121352\tdefine extreme\n634306\twhat does chattel mean on credit history\n"), BadRecords.failFast()));
        assertEquals(List.of(new TextQuery("121352", "define extreme"),
                new TextQuery("634306", "what does chattel mean on credit history")), queries);
        // the MS MARCO document collection: docid, url, title, body
        List<CorpusDocument> full = all(MsMarcoTsvReader.documents(file("msmarco-docs.tsv",
                "D1555982\thttps://example.org/x\tThe hot glowing surfaces\tThe hot glowing surfaces of stars\n"),
                BadRecords.failFast()));
        assertEquals(List.of(new CorpusDocument("D1555982", "The hot glowing surfaces",
                "The hot glowing surfaces of stars")), full);
    }

    @Test
    void trecQrelsAndTriplesByIdOrText() {
        List<Judgment> qrels = all(new TrecQrelsReader(file("qrels.train.tsv", "1185869\t0\t0\t1\n1185868 Q0 16 2\n"),
                BadRecords.failFast()));
        assertEquals(List.of("1185869/0/1", "1185868/16/2"), qrels.stream().map(j -> j.queryId() + "/" + j.docId()
                + "/" + j.relevance()).toList());
        assertTrue(qrels.get(1).location().endsWith("qrels.train.tsv:2"), qrels.get(1).location());

        List<Triple> ids = all(new TriplesReader(file("qidpidtriples.tsv", "400296\t1540783\t3518497\n"),
                TriplesReader.Format.AUTO, BadRecords.failFast()));
        assertEquals(1, ids.size());
        assertEquals(List.of("400296", "1540783", "3518497"), List.of(ids.get(0).queryId(), ids.get(0).positiveId(),
                ids.get(0).negativeId()));
        List<Triple> texts = all(new TriplesReader(file("triples.train.small.tsv",
                "is a little caffeine ok\tWe don't know a lot.\tDuring the detox.\n"), TriplesReader.Format.AUTO,
                BadRecords.failFast()));
        assertEquals(List.of("is a little caffeine ok", "We don't know a lot.", "During the detox."),
                List.of(texts.get(0).query(), texts.get(0).positive(), texts.get(0).negative()));
        assertEquals(null, texts.get(0).queryId());
    }

    @Test
    void beirJsonlAndQrelsWithHeader() {
        List<CorpusDocument> docs = all(JsonlReader.beirDocuments(file("corpus.jsonl",
                "{\"_id\": \"4983\", \"title\": \"Microstructural development\", \"text\": \"Alterations of the "
                        + "architecture\", \"metadata\": {}}\n{\"_id\": 5836, \"text\": \"no title \\u00e9\"}\n"),
                BadRecords.failFast()));
        assertEquals(List.of(new CorpusDocument("4983", "Microstructural development", "Alterations of the architecture"),
                new CorpusDocument("5836", "", "no title \u00e9")), docs);
        List<TextQuery> queries = all(JsonlReader.beirQueries(file("queries.jsonl",
                "{\"_id\": \"1\", \"text\": \"0-dimensional biomaterials\", \"metadata\": {}}\n"), BadRecords.failFast()));
        assertEquals(List.of(new TextQuery("1", "0-dimensional biomaterials")), queries);
        List<Judgment> qrels = all(new BeirQrelsReader(file("test.tsv", "query-id\tcorpus-id\tscore\n1\t4983\t1\n"
                + "1\t5836\t0\n"), BadRecords.failFast()));
        assertEquals(List.of("1/4983/1", "1/5836/0"), qrels.stream().map(j -> j.queryId() + "/" + j.docId() + "/"
                + j.relevance()).toList());
        assertEquals(":2", qrels.get(0).location().substring(qrels.get(0).location().lastIndexOf(':')));
    }

    @Test
    void plainLinesAndJsonlCorpora() {
        List<CorpusDocument> lines = all(new TextLinesReader(file("corpus.txt", "first doc \n\n  second doc\n"),
                BadRecords.failFast()));
        assertEquals(List.of(new CorpusDocument("1", "", "first doc"), new CorpusDocument("3", "", "second doc")), lines);
        List<CorpusDocument> jsonl = all(JsonlReader.documents(file("c.jsonl", "{\"body\": \"x y\", \"h\": \"T\"}\n"
                + "{\"body\": \"z\"}\n"), null, "body", "h", BadRecords.failFast()));
        assertEquals(List.of(new CorpusDocument("1", "T", "x y"), new CorpusDocument("2", "", "z")), jsonl);
    }

    /** The message of the BadInputException that reading everything throws. */
    static String failure(Iterator<?> reader) {
        return assertThrows(BadInputException.class, () -> all(reader)).getMessage();
    }

    @Test
    void malformedTsvLinesFailWithFileAndLineOrAreSkipped() {
        String collection = "0\tok\n1\n2\tfine\n3\ta\tb\n\tno id\n";
        String m = failure(MsMarcoTsvReader.documents(file("collection.tsv", collection), BadRecords.failFast()));
        assertTrue(m.contains("collection.tsv:2: 1 tab-separated fields"), m);
        BadRecords tolerant = BadRecords.skipAll();
        List<CorpusDocument> kept = all(MsMarcoTsvReader.documents(file("collection2.tsv", collection), tolerant));
        assertEquals(List.of("0", "2"), kept.stream().map(CorpusDocument::docId).toList());
        assertEquals(3, tolerant.report().count(BadRecords.MALFORMED_LINE)); // lines 2, 4 (3 fields), 5 (empty id)

        String q = failure(new TrecQrelsReader(file("qrels.tsv", "1 0 7 1\n1 0 8 yes\n"), BadRecords.failFast()));
        assertTrue(q.contains("qrels.tsv:2: relevance 'yes' is not an integer"), q);
        String t = failure(new TriplesReader(file("t.tsv", "1\t2\t3\n1\t2\n"), TriplesReader.Format.IDS,
                BadRecords.failFast()));
        assertTrue(t.contains("t.tsv:2: 2 tab-separated fields"), t);
        String b = failure(new BeirQrelsReader(file("test.tsv", "query-id\tcorpus-id\tscore\n1\t2\t1.5\n"),
                BadRecords.failFast()));
        assertTrue(b.contains("test.tsv:2: score '1.5' is not an integer"), b);
    }

    @Test
    void malformedJsonlLinesAreReportedOnceEach() {
        String corpus = "{\"_id\": \"a\", \"text\": \"ok\"}\n{\"_id\": \"b\", \"text\": \"cut\n"
                + "{\"_id\": \"c\", \"text\": \"x\"} trailing\n[1, 2]\n{\"_id\": [1], \"text\": 5}\n"
                + "{\"_id\": \"d\"}\n{\"_id\": \"e\", \"text\": \"fine\", \"title\": null}\n";
        String m = failure(JsonlReader.beirDocuments(file("corpus.jsonl", corpus), BadRecords.failFast()));
        assertTrue(m.contains("corpus.jsonl:2: not valid JSON"), m);
        BadRecords tolerant = BadRecords.skipAll();
        List<CorpusDocument> kept = all(JsonlReader.beirDocuments(file("corpus2.jsonl", corpus), tolerant));
        assertEquals(List.of("a", "e"), kept.stream().map(CorpusDocument::docId).toList());
        // lines 2 (cut), 3 (trailing text), 4 (not an object), 5 (bad id and text: once), 6 (no text)
        assertEquals(Map.of(BadRecords.MALFORMED_LINE, 5L), tolerant.report().byReason());
        assertEquals(List.of(":2", ":3", ":4", ":5", ":6"), tolerant.report().examples().stream()
                .map(x -> x.location().substring(x.location().lastIndexOf(':'))).toList());
    }

    @Test
    void emptyFilesAreBadInput() {
        String m = failure(MsMarcoTsvReader.queries(file("queries.tsv", "\n  \n"), BadRecords.failFast()));
        assertTrue(m.contains("queries.tsv: file has no records (it is empty)"), m);
        BadRecords tolerant = BadRecords.skipAll();
        assertEquals(List.of(), all(new TextLinesReader(file("e.txt", ""), tolerant)));
        assertEquals(1, tolerant.report().count(BadRecords.EMPTY_FILE));
    }
}

package org.sparktrain.bench.retrieval;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;
import org.sparktrain.data.text.CorpusDocument;
import org.sparktrain.data.text.CranfieldQrelsReader;
import org.sparktrain.data.text.CranfieldReader;
import org.sparktrain.data.text.Judgment;
import org.sparktrain.data.text.TextQuery;
import org.sparktrain.jobs.biencoder.BiencoderTraining;
import org.sparktrain.retrieval.eval.Qrels;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Cranfield collection of the retrieval benches, read with data-prep's {@code CranfieldReader} and
 * {@code CranfieldQrelsReader} from {@code <sparktrain.shared.dir>/data/cranfield} (default {@code ../../shared}).
 */
final class CranfieldCollection {
    private CranfieldCollection() {
    }

    /** Documents (title + " " + abstract), queries and qrels of the Cranfield collection, in file order. */
    static BiencoderTraining.Collection load() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("sparktrain.shared.dir", "../../shared"),
                "data", "cranfield");
        Configuration conf = new Configuration();
        BadRecords bad = BadRecords.failFast();
        Map<String, String> docs = new LinkedHashMap<>();
        try (CranfieldReader<CorpusDocument> r = CranfieldReader.documents(
                SourceFile.open(new Path(dir.resolve("cran.all.1400").toUri()), conf), bad)) {
            r.forEachRemaining(d -> docs.put(d.docId(), (d.title() + " " + d.text()).trim()));
        }
        Map<String, String> queries = new LinkedHashMap<>();
        try (CranfieldReader<TextQuery> r = CranfieldReader.queries(
                SourceFile.open(new Path(dir.resolve("cran.qry").toUri()), conf), bad)) {
            r.forEachRemaining(q -> queries.put(q.queryId(), q.text()));
        }
        Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
        try (CranfieldQrelsReader r = new CranfieldQrelsReader(
                SourceFile.open(new Path(dir.resolve("cranqrel").toUri()), conf), bad)) {
            r.forEachRemaining((Judgment j) -> judged.computeIfAbsent(j.queryId(), k -> new LinkedHashMap<>())
                    .put(j.docId(), j.relevance()));
        }
        return new BiencoderTraining.Collection(docs, queries, Qrels.of(judged));
    }
}

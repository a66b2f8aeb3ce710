package org.sparktrain.data.text;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.BuildInfo;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.Preparation;
import org.sparktrain.data.SourceFile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prepares MS MARCO-style TSV files as a text-retrieval dataset: a collection ({@link MsMarcoTsvReader}), any
 * number of query files and TREC qrels files ({@link TrecQrelsReader}), and optionally a triples file
 * ({@link TriplesReader}, ids or texts). Relative paths are resolved against {@code dir}. Without queries the result
 * is a text corpus. Judgments and id triples must name known queries and documents (checked with Spark, see
 * {@link RetrievalDatasetWriter}).
 */
public final class MsMarcoPreparation implements Preparation {
    private final String dir;
    private final String collection;
    private final List<String> queries;
    private final List<String> qrels;
    private final String triples;
    private final TriplesReader.Format triplesFormat;
    private final String name;
    private final boolean judgedQueriesOnly;
    private final BadRecords bad;

    /**
     * @param dir               base folder for relative paths, or null
     * @param collection        the collection TSV; required
     * @param queries           query TSV files (may be empty)
     * @param qrels             TREC qrels files (may be empty; need queries)
     * @param triples           a triples TSV, or null
     * @param triplesFormat     how the triples are given
     * @param name              dataset name; null for {@code msmarco}
     * @param judgedQueriesOnly keep only queries with a judgment
     * @param bad               what to do with bad lines and ids
     */
    public MsMarcoPreparation(String dir, String collection, List<String> queries, List<String> qrels, String triples,
                              TriplesReader.Format triplesFormat, String name, boolean judgedQueriesOnly,
                              BadRecords bad) {
        if (collection == null || collection.isBlank()) {
            throw new IllegalArgumentException("collection: is required for msmarco (the collection TSV)");
        }
        this.queries = queries == null ? List.of() : List.copyOf(queries);
        this.qrels = qrels == null ? List.of() : List.copyOf(qrels);
        if (!this.qrels.isEmpty() && this.queries.isEmpty()) {
            throw new IllegalArgumentException("queries: are required when qrels are given");
        }
        if (triples != null && this.queries.isEmpty() && triplesFormat != TriplesReader.Format.TEXT) {
            throw new IllegalArgumentException("queries: are required for id triples (or set triplesFormat: text)");
        }
        this.dir = dir;
        this.collection = collection;
        this.triples = triples;
        this.triplesFormat = triplesFormat == null ? TriplesReader.Format.AUTO : triplesFormat;
        this.name = name != null ? name : "msmarco";
        this.judgedQueriesOnly = judgedQueriesOnly;
        this.bad = bad;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Path> inputs(Configuration conf) {
        List<Path> files = new ArrayList<>();
        files.add(TextInputs.resolve(dir, collection));
        queries.forEach(q -> files.add(TextInputs.resolve(dir, q)));
        qrels.forEach(q -> files.add(TextInputs.resolve(dir, q)));
        if (triples != null) {
            files.add(TextInputs.resolve(dir, triples));
        }
        return TextInputs.existing(conf, files.toArray(new Path[0]));
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("format", "msmarco");
        s.put("triplesFormat", triplesFormat.id());
        s.put("judgedQueriesOnly", Boolean.toString(judgedQueriesOnly));
        return s;
    }

    @Override
    public DatasetManifest prepare(SparkSession spark, String outPath) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        inputs(conf);
        try (RetrievalDatasetWriter w = RetrievalDatasetWriter.begin(spark, outPath, name, bad)) {
            w.corpus(MsMarcoTsvReader.documents(open(collection, conf), bad));
            for (String q : queries) {
                w.queries(MsMarcoTsvReader.queries(open(q, conf), bad));
            }
            for (String q : qrels) {
                w.qrels(new TrecQrelsReader(open(q, conf), bad));
            }
            if (triples != null) {
                w.triples(new TriplesReader(open(triples, conf), triplesFormat, bad));
            }
            Map<String, String> props = settings();
            if (!qrels.isEmpty()) {
                props.put("relevance", "TREC qrels relevance as given (MS MARCO: 1 = relevant)");
            }
            return w.commit(props, judgedQueriesOnly, BuildInfo.createdBy("MsMarcoPreparation"));
        }
    }

    private SourceFile open(String file, Configuration conf) {
        return SourceFile.open(TextInputs.resolve(dir, file), conf);
    }
}

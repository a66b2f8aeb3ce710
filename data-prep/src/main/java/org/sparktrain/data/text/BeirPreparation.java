package org.sparktrain.data.text;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.BuildInfo;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.Preparation;
import org.sparktrain.data.SourceFile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prepares one split of a BEIR data set folder ({@code corpus.jsonl}, {@code queries.jsonl},
 * {@code qrels/<split>.tsv}, each optionally gzipped; see {@link JsonlReader}, {@link BeirQrelsReader}) as a
 * text-retrieval dataset. As in BEIR's own loader, the queries are those the split's judgments judge
 * ({@code judgedQueriesOnly}, default on), since {@code queries.jsonl} holds the queries of every split. Scores are
 * kept as the relevance.
 */
public final class BeirPreparation implements Preparation {
    private final Path dir;
    private final String split;
    private final String name;
    private final boolean judgedQueriesOnly;
    private final BadRecords bad;

    /**
     * @param dir               the data set folder, any Hadoop path
     * @param split             {@code train}, {@code dev} or {@code test} (the name of the qrels file)
     * @param name              dataset name; null for the folder's name
     * @param judgedQueriesOnly keep only queries with a judgment in the split
     * @param bad               what to do with bad lines and ids
     */
    public BeirPreparation(String dir, String split, String name, boolean judgedQueriesOnly, BadRecords bad) {
        this.dir = new Path(dir);
        this.split = split;
        this.name = name != null ? name : this.dir.getName();
        this.judgedQueriesOnly = judgedQueriesOnly;
        this.bad = bad;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Path> inputs(Configuration conf) {
        return List.of(TextInputs.plainOrGzip(conf, dir, "corpus.jsonl"), TextInputs.plainOrGzip(conf, dir,
                "queries.jsonl"), TextInputs.plainOrGzip(conf, new Path(dir, "qrels"), split + ".tsv"));
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("format", "beir");
        s.put("split", split);
        s.put("judgedQueriesOnly", Boolean.toString(judgedQueriesOnly));
        return s;
    }

    @Override
    public DatasetManifest prepare(SparkSession spark, String outPath) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<Path> files = inputs(conf);
        try (RetrievalDatasetWriter w = RetrievalDatasetWriter.begin(spark, outPath, name, bad)) {
            w.corpus(JsonlReader.beirDocuments(SourceFile.open(files.get(0), conf), bad));
            w.queries(JsonlReader.beirQueries(SourceFile.open(files.get(1), conf), bad));
            w.qrels(new BeirQrelsReader(SourceFile.open(files.get(2), conf), bad));
            Map<String, String> props = settings();
            props.put("relevance", "BEIR score as given (0 = not relevant)");
            return w.commit(props, judgedQueriesOnly, BuildInfo.createdBy("BeirPreparation"));
        }
    }
}

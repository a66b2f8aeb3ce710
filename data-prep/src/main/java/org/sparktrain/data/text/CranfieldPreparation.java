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
 * Prepares the Cranfield collection (a folder with {@code cran.all.1400}, {@code cran.qry} and {@code cranqrel})
 * as a text-retrieval dataset: 1,400 documents, 225 queries numbered 1..225 by position, and the judgments of
 * {@code cranqrel} (all 1,837 lines, including one grade -1 line per query) with relevance
 * {@code 5 - grade} / 0 (see {@link CranfieldReader}, {@link CranfieldQrelsReader}). All queries are kept.
 */
public final class CranfieldPreparation implements Preparation {
    public static final String DOCUMENTS = "cran.all.1400";
    public static final String QUERIES = "cran.qry";
    public static final String QRELS = "cranqrel";
    private final Path dir;
    private final String name;
    private final BadRecords bad;

    /**
     * @param dir  the folder with the three files, any Hadoop path
     * @param name dataset name; null for {@code cranfield}
     * @param bad  what to do with bad lines and ids
     */
    public CranfieldPreparation(String dir, String name, BadRecords bad) {
        this.dir = new Path(dir);
        this.name = name != null ? name : "cranfield";
        this.bad = bad;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Path> inputs(Configuration conf) {
        return TextInputs.existing(conf, new Path(dir, DOCUMENTS), new Path(dir, QUERIES), new Path(dir, QRELS));
    }

    @Override
    public Map<String, String> settings() {
        return new LinkedHashMap<>(Map.of("format", "cranfield"));
    }

    @Override
    public DatasetManifest prepare(SparkSession spark, String outPath) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        inputs(conf);
        try (RetrievalDatasetWriter w = RetrievalDatasetWriter.begin(spark, outPath, name, bad)) {
            w.corpus(CranfieldReader.documents(SourceFile.open(new Path(dir, DOCUMENTS), conf), bad));
            w.queries(CranfieldReader.queries(SourceFile.open(new Path(dir, QUERIES), conf), bad));
            w.qrels(new CranfieldQrelsReader(SourceFile.open(new Path(dir, QRELS), conf), bad));
            Map<String, String> props = settings();
            props.put("relevance", CranfieldQrelsReader.RELEVANCE);
            props.put("queryIds", "position 1..n in " + QUERIES + " (its .I numbers are not the ids cranqrel uses)");
            props.put("text", ".W abstract; title .T; fields' lines joined with single spaces");
            return w.commit(props, false, BuildInfo.createdBy("CranfieldPreparation"));
        }
    }
}

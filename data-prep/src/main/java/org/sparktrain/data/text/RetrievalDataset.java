package org.sparktrain.data.text;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The layout of a prepared text dataset (kinds {@value DatasetManifest#TEXT_RETRIEVAL} and
 * {@value DatasetManifest#TEXT_CORPUS}) on any Hadoop path:
 * <pre>
 * &lt;out&gt;/manifest.json        kind, row count per table (tables), sources, skipped, properties
 * &lt;out&gt;/corpus/*.parquet     id bigint, docId string, title string, text string
 * &lt;out&gt;/queries/*.parquet    id bigint, queryId string, text string                 (text-retrieval)
 * &lt;out&gt;/qrels/*.parquet      queryId string, docId string, relevance int            (text-retrieval)
 * &lt;out&gt;/triples/*.parquet    id bigint, queryId, positiveId, negativeId, query, positive, negative (strings;
 *                          ids or texts are null, by the source format)   (optional)
 * </pre>
 * Ids are stable: a document's or query's {@code id} is its 0-based position in its input (a query left out because
 * it has no judgment keeps the position of the others). {@code docId} and {@code queryId} are the collection's own
 * ids, unique within their table, and every qrels/triples id refers to an existing document or query. Relevance
 * is graded with 0 as not relevant; the manifest's {@code properties.relevance} says how the source's grades were
 * mapped.
 */
public final class RetrievalDataset {
    public static final String CORPUS = "corpus";
    public static final String QUERIES = "queries";
    public static final String QRELS = "qrels";
    public static final String TRIPLES = "triples";

    public static final StructType CORPUS_SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("docId", DataTypes.StringType, false),
            DataTypes.createStructField("title", DataTypes.StringType, false),
            DataTypes.createStructField("text", DataTypes.StringType, false)});
    public static final StructType QUERIES_SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("queryId", DataTypes.StringType, false),
            DataTypes.createStructField("text", DataTypes.StringType, false)});
    public static final StructType QRELS_SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField("queryId", DataTypes.StringType, false),
            DataTypes.createStructField("docId", DataTypes.StringType, false),
            DataTypes.createStructField("relevance", DataTypes.IntegerType, false)});
    public static final StructType TRIPLES_SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("queryId", DataTypes.StringType, true),
            DataTypes.createStructField("positiveId", DataTypes.StringType, true),
            DataTypes.createStructField("negativeId", DataTypes.StringType, true),
            DataTypes.createStructField("query", DataTypes.StringType, true),
            DataTypes.createStructField("positive", DataTypes.StringType, true),
            DataTypes.createStructField("negative", DataTypes.StringType, true)});
    private static final Map<String, StructType> SCHEMAS = Map.of(CORPUS, CORPUS_SCHEMA, QUERIES, QUERIES_SCHEMA,
            QRELS, QRELS_SCHEMA, TRIPLES, TRIPLES_SCHEMA);

    private RetrievalDataset() {
    }

    /** The schema of a table; an unknown name is a {@link BadInputException} listing the tables. */
    public static StructType schema(String table) {
        StructType s = SCHEMAS.get(table);
        if (s == null) {
            throw new BadInputException("unknown table '" + table + "' (tables are " + List.of(CORPUS, QUERIES, QRELS,
                    TRIPLES) + ")");
        }
        return s;
    }

    /**
     * Reads one table after checking that the manifest lists it and that its Parquet schema has the table's
     * columns; problems are {@link BadInputException}s naming the path.
     */
    public static Dataset<Row> readTable(SparkSession spark, String path, String table) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        DatasetManifest manifest = PreparedDataset.readManifest(path, conf);
        manifest.table(table);
        Path dir = new Path(path, table);
        try {
            if (!dir.getFileSystem(conf).exists(dir)) {
                throw new BadInputException("prepared dataset " + path + ": table directory " + dir + " is missing");
            }
        } catch (IOException e) {
            throw new BadInputException("cannot access " + dir + ": " + e.getMessage(), e);
        }
        Dataset<Row> df;
        try {
            df = spark.read().parquet(dir.toString());
        } catch (Exception e) { // AnalysisException is undeclared
            throw new BadInputException("cannot read table " + dir + " as Parquet: " + e.getMessage(), e);
        }
        PreparedDataset.validateSchema(df.schema(), dir.toString(), schema(table));
        return df;
    }
}

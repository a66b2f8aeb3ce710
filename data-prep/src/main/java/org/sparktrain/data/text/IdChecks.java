package org.sparktrain.data.text;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SkipReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The id checks of {@link RetrievalDatasetWriter}, done with Spark over the tables already written under
 * {@code root} (so they scale with the cluster, not the driver): repeated ids in the corpus or the queries, and
 * judgments or triples naming unknown queries or documents. Findings go to the {@link BadRecords} policy with the
 * first examples in input order; in skip mode the offending rows are left out.
 */
final class IdChecks {
    private final SparkSession spark;
    private final FileSystem fs;
    private final Path root;
    private final BadRecords bad;
    private long rejected;

    IdChecks(SparkSession spark, FileSystem fs, Path root, BadRecords bad) {
        this.spark = spark;
        this.fs = fs;
        this.root = root;
        this.bad = bad;
    }

    /** Rows rejected by the last {@link #knownIds}. */
    long rejected() {
        return rejected;
    }

    /**
     * The staged rows whose {@code queryKey} is a known query id and whose {@code docKeys} are known document ids;
     * the others are reported ({@link BadRecords#UNKNOWN_QUERY}, then {@link BadRecords#UNKNOWN_DOCUMENT}, each
     * row once, for its first unknown id) with the {@code file:line} of their staged {@code location}. One Spark
     * job flags and counts every row; examples are only collected when something is unknown.
     */
    Dataset<Row> knownIds(Dataset<Row> staged, String what, List<String> querySources, List<String> corpusSources,
                          String queryKey, String... docKeys) {
        List<String> keys = new ArrayList<>();
        keys.add(queryKey);
        keys.addAll(Arrays.asList(docKeys));
        Dataset<Row> rows = staged;
        Column allKnown = lit(true);
        List<Column> firstUnknown = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            String flag = "_known" + k;
            Dataset<Row> known = k == 0 ? table(RetrievalDataset.QUERIES, "queryId", flag)
                    : table(RetrievalDataset.CORPUS, "docId", flag);
            rows = rows.join(known, col(keys.get(k)).equalTo(col(flag)), "left_outer");
            firstUnknown.add(sum(when(allKnown.and(col(flag).isNull()), 1).otherwise(0)).as("bad" + k));
            allKnown = allKnown.and(col(flag).isNotNull());
        }
        Row counts = rows.agg(firstUnknown.get(0), firstUnknown.subList(1, firstUnknown.size()).toArray(new Column[0]))
                .first();
        rejected = 0;
        Column earlierKnown = lit(true);
        for (int k = 0; k < keys.size(); k++) {
            long n = counts.isNullAt(k) ? 0 : counts.getLong(k);
            Column unknownHere = earlierKnown.and(col("_known" + k).isNull());
            earlierKnown = earlierKnown.and(col("_known" + k).isNotNull());
            if (n == 0) {
                continue;
            }
            String key = keys.get(k);
            String reason = k == 0 ? BadRecords.UNKNOWN_QUERY : BadRecords.UNKNOWN_DOCUMENT;
            List<SkipReport.Example> examples = new ArrayList<>();
            for (Row r : rows.filter(unknownHere).orderBy(StagedTables.SEQ).limit(BadRecords.MAX_EXAMPLES)
                    .collectAsList()) {
                String id = r.getAs(key);
                examples.add(new SkipReport.Example(reason, r.getAs(StagedTables.LOCATION), k == 0
                        ? what + " names query '" + id + "', which is not among the queries " + querySources
                        : what + " names document '" + id + "', which is not in the corpus " + corpusSources));
            }
            bad.reject(reason, n, examples);
            rejected += n;
        }
        return rows.filter(allKnown);
    }

    /** The ids of a table as one column {@code name}. */
    private Dataset<Row> table(String table, String idColumn, String name) {
        return spark.read().parquet(new Path(root, table).toString()).select(col(idColumn).as(name));
    }

    /**
     * Reports repeated values of {@code key} in a table ({@link BadRecords#DUPLICATE_ID}, located by record
     * number) and rewrites it keeping the first row of each; returns the number of rows removed.
     */
    long dedupe(String table, String key, List<String> sourceNames) {
        Dataset<Row> df = spark.read().parquet(new Path(root, table).toString());
        Dataset<Row> dups = df.groupBy(col(key).as("dupKey")).agg(count(lit(1)).as("n"), min("id").as("firstId"),
                slice(sort_array(collect_list("id")), 1, 3).as("ids")).filter(col("n").gt(1));
        Row total = dups.agg(sum(col("n").minus(1))).first();
        long extra = total.isNullAt(0) ? 0 : total.getLong(0);
        if (extra == 0) {
            return 0;
        }
        List<SkipReport.Example> examples = new ArrayList<>();
        for (Row r : dups.orderBy("firstId").limit(BadRecords.MAX_EXAMPLES).collectAsList()) {
            List<Long> ids = r.getList(r.fieldIndex("ids"));
            long n = r.getLong(r.fieldIndex("n"));
            examples.add(new SkipReport.Example(BadRecords.DUPLICATE_ID, String.join(",", sourceNames) + " record "
                    + ids.get(1), key + " '" + r.getAs("dupKey") + "' appears " + n + " times (records "
                    + ids + (n > 3 ? " ..." : "") + "); the first is kept"));
        }
        bad.reject(BadRecords.DUPLICATE_ID, extra, examples);
        Dataset<Row> firsts = dups.select(col("dupKey"), col("firstId"));
        Dataset<Row> keep = df.join(firsts, col(key).equalTo(col("dupKey")), "left_outer")
                .filter(col("firstId").isNull().or(col("id").equalTo(col("firstId"))))
                .select(Arrays.stream(df.columns()).map(c -> col(c)).toArray(Column[]::new));
        rewrite(table, keep.orderBy("id"));
        return extra;
    }

    /** Replaces a table by {@code rows} (usually computed from it); returns the new row count. */
    long rewrite(String table, Dataset<Row> rows) {
        Path dir = new Path(root, table);
        Path next = new Path(new Path(root, "_staging"), table + "-rewrite");
        rows.write().parquet(next.toString());
        try {
            fs.delete(dir, true);
            if (!fs.rename(next, dir)) {
                throw new IOException("rename failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + next + " to " + dir, e);
        }
        return spark.read().parquet(dir.toString()).count();
    }
}

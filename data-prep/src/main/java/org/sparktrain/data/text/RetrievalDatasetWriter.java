package org.sparktrain.data.text;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.SkipReport;
import org.sparktrain.data.TableWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * Writes a {@link RetrievalDataset} atomically: the caller streams the corpus, then the queries, judgments and
 * triples (each any number of times, ids continuing), then {@link #commit}; {@link #close()} without commit leaves
 * nothing. Documents and queries are streamed from the driver into Parquet ({@link TableWriter}); judgments and id
 * triples are staged with their {@code file:line} and checked against the corpus and queries with Spark joins at
 * commit, so no id set has to fit in the driver's memory:
 * <ul>
 *   <li>a repeated {@code docId} or {@code queryId} is {@link BadRecords#DUPLICATE_ID} (the first one is kept);</li>
 *   <li>a judgment or triple naming an unknown query is {@link BadRecords#UNKNOWN_QUERY}, one naming an unknown
 *       document {@link BadRecords#UNKNOWN_DOCUMENT};</li>
 * </ul>
 * each reported to the {@link BadRecords} policy with the first examples (fail, or skip and count). With
 * {@code judgedQueriesOnly} the queries without any judgment are then left out (BEIR's convention: a split's queries
 * are those its qrels judge). An empty corpus, or a queries/qrels/triples table that was written but ends up empty,
 * always fails.
 */
public final class RetrievalDatasetWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetrievalDatasetWriter.class);
    private static final String STAGING = "_staging";
    private final SparkSession spark;
    private final AtomicOutput out;
    private final Path root;
    private final String name;
    private final BadRecords bad;
    private final List<String> corpusSources = new ArrayList<>();
    private final List<String> querySources = new ArrayList<>();
    private final List<DatasetManifest.Source> sources = new ArrayList<>();
    private long docs;
    private long queries;
    private long qrels = -1;
    private long triples = -1;
    private boolean idTriples;
    private IdChecks checks;

    private RetrievalDatasetWriter(SparkSession spark, AtomicOutput out, String name, BadRecords bad) {
        this.spark = spark;
        this.out = out;
        this.root = out.tempPath();
        this.name = name;
        this.bad = bad;
    }

    /** Starts writing dataset {@code name} to {@code outPath} (any Hadoop path); fails early if it is unwritable. */
    public static RetrievalDatasetWriter begin(SparkSession spark, String outPath, String name, BadRecords bad) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        return new RetrievalDatasetWriter(spark, AtomicOutput.begin(outPath, conf), name, bad);
    }

    /** Streams a reader's documents into the corpus, closes it and records its file as a source. */
    public long corpus(TextRecordReader<CorpusDocument> reader) {
        try (reader) {
            long n = writeCorpus(reader, reader.file().name());
            sources.add(reader.source());
            return n;
        }
    }

    /** Streams a reader's queries, closes it and records its file as a source. */
    public long queries(TextRecordReader<TextQuery> reader) {
        try (reader) {
            long n = writeQueries(reader, reader.file().name());
            sources.add(reader.source());
            return n;
        }
    }

    /** Streams a reader's judgments, closes it and records its file as a source. */
    public long qrels(TextRecordReader<Judgment> reader) {
        try (reader) {
            long n = stageQrels(reader);
            sources.add(reader.source());
            return n;
        }
    }

    /** Streams a reader's triples, closes it and records its file as a source. */
    public long triples(TextRecordReader<Triple> reader) {
        try (reader) {
            long n = writeTriples(reader);
            sources.add(reader.source());
            return n;
        }
    }

    /** Records an input file read by the caller (for the iterator methods below). */
    public void addSource(DatasetManifest.Source source) {
        sources.add(source);
    }

    /** Appends documents (ids continue from the previous call); {@code source} names their file in messages. */
    public long writeCorpus(Iterator<CorpusDocument> documents, String source) {
        corpusSources.add(source);
        TableWriter w = new TableWriter(spark, RetrievalDataset.CORPUS_SCHEMA, dir(RetrievalDataset.CORPUS), name + " corpus");
        while (documents.hasNext()) {
            CorpusDocument d = documents.next();
            w.add(docs++, d.docId(), nonNull(d.title()), nonNull(d.text()));
        }
        w.finish();
        return w.count();
    }

    /** Appends queries (ids continue from the previous call). */
    public long writeQueries(Iterator<TextQuery> items, String source) {
        querySources.add(source);
        TableWriter w = new TableWriter(spark, RetrievalDataset.QUERIES_SCHEMA, dir(RetrievalDataset.QUERIES),
                name + " queries");
        while (items.hasNext()) {
            TextQuery q = items.next();
            w.add(queries++, q.queryId(), nonNull(q.text()));
        }
        w.finish();
        return w.count();
    }

    /** Appends judgments, staged with their locations until {@link #commit} checks their ids. */
    public long stageQrels(Iterator<Judgment> judgments) {
        TableWriter w = new TableWriter(spark, StagedTables.QRELS, staging(RetrievalDataset.QRELS), name + " qrels");
        long n = Math.max(qrels, 0);
        while (judgments.hasNext()) {
            Judgment j = judgments.next();
            w.add(j.queryId(), j.docId(), j.relevance(), n++, j.location());
        }
        w.finish();
        qrels = n;
        return w.count();
    }

    /** Appends triples; id triples are staged until {@link #commit} checks their ids, text triples written as-is. */
    public long writeTriples(Iterator<Triple> items) {
        TableWriter w = null;
        long n = Math.max(triples, 0);
        while (items.hasNext()) {
            Triple t = items.next();
            if (w == null) {
                if (triples >= 0 && idTriples != t.hasIds()) {
                    throw new BadInputException(t.location() + ": triples mix ids and texts");
                }
                idTriples = t.hasIds();
                w = idTriples ? new TableWriter(spark, StagedTables.TRIPLES, staging(RetrievalDataset.TRIPLES), name
                        + " triples") : new TableWriter(spark, RetrievalDataset.TRIPLES_SCHEMA,
                        dir(RetrievalDataset.TRIPLES), name + " triples");
            } else if (idTriples != t.hasIds()) {
                throw new BadInputException(t.location() + ": triples mix ids and texts");
            }
            if (idTriples) {
                w.add(n++, t.queryId(), t.positiveId(), t.negativeId(), null, null, null, t.location());
            } else {
                w.add(n++, null, null, null, t.query(), t.positive(), t.negative());
            }
        }
        long written = 0;
        if (w != null) {
            w.finish();
            written = w.count();
        }
        triples = n;
        return written;
    }

    /**
     * Checks and finishes every table, writes the manifest and moves the dataset into place.
     *
     * @param properties        facts recorded in the manifest (e.g. the relevance scale)
     * @param judgedQueriesOnly leave out queries without any judgment
     * @param createdBy         tool and version
     */
    public DatasetManifest commit(Map<String, String> properties, boolean judgedQueriesOnly, String createdBy) {
        long t0 = System.nanoTime();
        checks = new IdChecks(spark, out.fileSystem(), root, bad);
        if (docs == 0) {
            throw new BadInputException("dataset " + name + ": the corpus " + corpusSources + " has no documents");
        }
        boolean hasQueries = !querySources.isEmpty();
        Map<String, String> props = new LinkedHashMap<>(properties);
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(RetrievalDataset.CORPUS, docs - checks.dedupe(RetrievalDataset.CORPUS, "docId", corpusSources));
        if (hasQueries) {
            counts.put(RetrievalDataset.QUERIES, queries - checks.dedupe(RetrievalDataset.QUERIES, "queryId",
                    querySources));
        }
        if (qrels >= 0) {
            if (!hasQueries) {
                throw new IllegalStateException("judgments need queries");
            }
            Dataset<Row> good = checks.knownIds(read(staging(RetrievalDataset.QRELS)), "judgment", querySources,
                    corpusSources, "queryId", "docId");
            // input order (the joins shuffled the rows), so the same input gives the same files
            writeFinal(good.orderBy(StagedTables.SEQ).select("queryId", "docId", "relevance"), RetrievalDataset.QRELS);
            counts.put(RetrievalDataset.QRELS, qrels - checks.rejected());
        }
        if (triples >= 0) {
            if (idTriples) {
                Dataset<Row> good = checks.knownIds(read(staging(RetrievalDataset.TRIPLES)), "triple", querySources,
                        corpusSources, "queryId", "positiveId", "negativeId");
                writeFinal(good.orderBy(StagedTables.SEQ).select(col(StagedTables.SEQ).as("id"), col("queryId"), col("positiveId"),
                        col("negativeId"), col("query"), col("positive"), col("negative")), RetrievalDataset.TRIPLES);
                counts.put(RetrievalDataset.TRIPLES, triples - checks.rejected());
            } else {
                counts.put(RetrievalDataset.TRIPLES, triples);
            }
            props.put("triples", idTriples ? "ids" : "text");
        }
        if (judgedQueriesOnly && qrels >= 0) {
            Dataset<Row> judged = read(dir(RetrievalDataset.QRELS)).select(col("queryId").as("judgedQuery")).distinct();
            Dataset<Row> q = read(dir(RetrievalDataset.QUERIES));
            long kept = checks.rewrite(RetrievalDataset.QUERIES, q.join(judged, q.col("queryId").equalTo(judged.col(
                    "judgedQuery")), "left_semi"));
            props.put("queriesWithoutJudgments", Long.toString(counts.get(RetrievalDataset.QUERIES) - kept));
            counts.put(RetrievalDataset.QUERIES, kept);
        }
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getValue() == 0) {
                throw new BadInputException("dataset " + name + ": table " + e.getKey() + " has no rows left"
                        + (bad.total() > 0 ? " after skipping " + bad.report().byReason() : ""));
            }
        }
        delete(new Path(root, STAGING));
        SkipReport report = bad.report();
        DatasetManifest manifest = new DatasetManifest(DatasetManifest.FORMAT, name, hasQueries
                ? DatasetManifest.TEXT_RETRIEVAL : DatasetManifest.TEXT_CORPUS, null, null, 0, null, null, counts,
                sources, report.total(), report, props, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
                createdBy);
        PreparedDataset.writeManifest(out.fileSystem(), root, manifest);
        out.commit();
        LOG.info("prepared text dataset {} at {}: {} (skipped {}) in {} ms", name, out.target(), counts,
                report.total(), (System.nanoTime() - t0) / 1_000_000);
        return manifest;
    }

    private void writeFinal(Dataset<Row> rows, String table) {
        rows.write().parquet(dir(table).toString());
    }

    private Dataset<Row> read(Path dir) {
        return spark.read().parquet(dir.toString());
    }

    private Path dir(String table) {
        return new Path(root, table);
    }

    private Path staging(String table) {
        return new Path(new Path(root, STAGING), table);
    }

    private void delete(Path p) {
        try {
            out.fileSystem().delete(p, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p, e);
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** Deletes everything written unless {@link #commit} succeeded. */
    @Override
    public void close() {
        out.close();
    }
}

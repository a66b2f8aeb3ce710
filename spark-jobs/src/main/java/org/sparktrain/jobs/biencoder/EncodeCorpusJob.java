package org.sparktrain.jobs.biencoder;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.data.text.RetrievalDataset;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.retrieval.DistributedRetrieval;
import org.sparktrain.retrieval.encoder.TextEncoder;
import scala.Tuple2;

import java.util.Locale;

/**
 * {@code sparktrain encode}: encodes the corpus of a prepared dataset (document = title + " " + text, as in
 * training) with a saved bi-encoder of any type ({@link SavedModelPath}) on Spark, one encoder per partition built on its executor
 * ({@link DistributedRetrieval#encode}; only the model path is serialised), and writes the unit embeddings as
 * Parquet ({@link CorpusEmbeddings}) for {@code search}.
 */
public final class EncodeCorpusJob implements Job<EncodeCorpusConfig> {
    @Override
    public String name() {
        return "encode";
    }

    @Override
    public String description() {
        return "encode a prepared corpus with a saved bi-encoder on Spark into Parquet embeddings";
    }

    @Override
    public Class<EncodeCorpusConfig> configType() {
        return EncodeCorpusConfig.class;
    }

    @Override
    public void validate(EncodeCorpusConfig cfg, JobContext ctx) {
        PreparedDataset.readManifest(cfg.dataset(), ctx.hadoopConf());
        SavedModelPath.require(cfg.model());
        AtomicOutput.checkWritable(cfg.out(), ctx.hadoopConf());
    }

    @Override
    public void run(EncodeCorpusConfig cfg, JobContext ctx) throws Exception {
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        TextEncoder.Factory factory = SavedModelPath.onExecutors(cfg.model());
        long t0 = System.nanoTime();
        JavaRDD<Tuple2<String, String>> docs = RetrievalDataset.readTable(spark, cfg.dataset(), RetrievalDataset.CORPUS)
                .select("docId", "title", "text").javaRDD()
                .map((Row r) -> {
                    String title = r.isNullAt(1) ? "" : r.getString(1);
                    String text = r.isNullAt(2) ? "" : r.getString(2);
                    return new Tuple2<>(r.getString(0), (title + " " + text).trim());
                })
                .repartition(cfg.partitions());
        JavaRDD<Tuple2<String, float[]>> embeddings = DistributedRetrieval.encode(docs, factory, cfg.batchSize())
                .cache();
        long n = embeddings.count();
        if (n == 0) {
            throw new BadInputException("dataset: " + cfg.dataset() + " has an empty corpus");
        }
        CorpusEmbeddings.write(spark, embeddings, cfg.out());
        embeddings.unpersist();
        ctx.console().printf(Locale.ROOT, "encode: %d documents in %.1f s, written to %s%n", n,
                (System.nanoTime() - t0) / 1e9, new Path(cfg.out()));
    }
}

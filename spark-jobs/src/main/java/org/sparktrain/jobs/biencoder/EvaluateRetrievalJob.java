package org.sparktrain.jobs.biencoder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.retrieval.DistributedRetrieval;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.eval.RetrievalMetrics;
import org.sparktrain.retrieval.eval.Run;
import scala.Tuple2;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sparktrain evaluate-retrieval}: encodes the corpus of a prepared collection with a saved encoder (any type) on
 * Spark (one encoder per partition, {@link DistributedRetrieval#encode}), searches the chosen queries exactly
 * ({@link DistributedRetrieval#search}: blocked products per partition, global top k by tree merge), and writes the
 * TREC run and its metrics (nDCG@10 with gain 2^rel − 1, MRR@10, Recall@100, MAP@100).
 */
public final class EvaluateRetrievalJob implements Job<EvaluateRetrievalConfig> {
    @Override
    public String name() {
        return "evaluate-retrieval";
    }

    @Override
    public String description() {
        return "encode a corpus with a saved bi-encoder, exact top-k search, TREC run file and retrieval metrics";
    }

    @Override
    public Class<EvaluateRetrievalConfig> configType() {
        return EvaluateRetrievalConfig.class;
    }

    @Override
    public void validate(EvaluateRetrievalConfig cfg, JobContext ctx) {
        PreparedDataset.readManifest(cfg.data().dataset(), ctx.hadoopConf());
        SavedModelPath.require(cfg.model());
        AtomicOutput.checkWritable(new Path(cfg.out(), cfg.queries() + ".trec").toString(), ctx.hadoopConf());
    }

    @Override
    public void run(EvaluateRetrievalConfig cfg, JobContext ctx) throws Exception {
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        BiencoderTraining.Collection c = BiencoderTraining.load(spark, cfg.data().dataset());
        BiencoderTraining.Splits splits = BiencoderTraining.split(c, cfg.data());
        List<String> queryIds = BiencoderTraining.queryIds(c, splits, cfg.queries());
        TextEncoder.Factory factory = SavedModelPath.onExecutors(cfg.model());

        long t0 = System.nanoTime();
        List<Tuple2<String, String>> docs = new ArrayList<>();
        for (Map.Entry<String, String> e : c.documents().entrySet()) {
            docs.add(new Tuple2<>(e.getKey(), e.getValue()));
        }
        JavaRDD<Tuple2<String, float[]>> corpus = DistributedRetrieval.encode(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(docs, cfg.partitions()), factory, 64)
                .cache();
        float[][] queries;
        try (TextEncoder encoder = SavedModelPath.onDriver(cfg.model())) {
            queries = encoder.encode(queryIds.stream().map(c.queries()::get).toList());
        }
        Run run = DistributedRetrieval.search(corpus, queryIds, queries, cfg.k(), 256);
        corpus.unpersist();
        double seconds = (System.nanoTime() - t0) / 1e9;

        RetrievalMetrics.Summary s = new RetrievalMetrics(c.qrels().restrictTo(new HashSet<>(queryIds)),
                cfg.data().minRelevance()).evaluate(run);
        TrecRunOutput.write(run, SavedModelPath.require(cfg.model()), new Path(cfg.out(), cfg.queries() + ".trec").toString(), conf);
        ObjectNode eval = new ObjectMapper().createObjectNode();
        eval.put("model", cfg.model());
        eval.put("queries", cfg.queries());
        eval.put("evaluatedQueries", s.queries());
        eval.put("ndcg10", s.ndcg10());
        eval.put("mrr10", s.mrr10());
        eval.put("recall100", s.recall100());
        eval.put("map100", s.map100());
        eval.put("seconds", seconds);
        try (AtomicOutput out = AtomicOutput.begin(new Path(cfg.out(), cfg.queries() + "-eval.json").toString(), conf)) {
            try (FSDataOutputStream os = out.fileSystem().create(out.tempPath(), true)) {
                os.write(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(eval)
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.commit();
        }
        ctx.console().printf(Locale.ROOT, "evaluate-retrieval: %d %s queries, nDCG@10 %.4f, MRR@10 %.4f, R@100 %.4f,"
                + " MAP@100 %.4f (%.1f s); run written to %s%n", s.queries(), cfg.queries(), s.ndcg10(), s.mrr10(),
                s.recall100(), s.map100(), seconds, new Path(cfg.out(), cfg.queries() + ".trec"));
    }
}

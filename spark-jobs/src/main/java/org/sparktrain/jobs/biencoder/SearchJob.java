package org.sparktrain.jobs.biencoder;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.retrieval.DistributedRetrieval;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.eval.Run;
import scala.Tuple2;

import java.util.List;
import java.util.Locale;

/**
 * {@code sparktrain search}: exact top-k search of a query split over corpus embeddings written by {@code encode}.
 * The queries are encoded on the driver with the same saved model and broadcast; each partition of the corpus runs
 * blocked ND4J matrix products ({@link DistributedRetrieval#search}, {@code ExactTopK}) and the partial top-k lists
 * are merged by a tree reduction. Writes a TREC run file (atomically). Scoring against qrels is
 * {@code evaluate-retrieval}'s job.
 */
public final class SearchJob implements Job<SearchConfig> {
    @Override
    public String name() {
        return "search";
    }

    @Override
    public String description() {
        return "exact top-k search of queries over corpus embeddings (blocked matrix products), TREC run file";
    }

    @Override
    public Class<SearchConfig> configType() {
        return SearchConfig.class;
    }

    @Override
    public void validate(SearchConfig cfg, JobContext ctx) {
        PreparedDataset.readManifest(cfg.data().dataset(), ctx.hadoopConf());
        SavedModelPath.require(cfg.model());
        AtomicOutput.checkWritable(cfg.out(), ctx.hadoopConf());
    }

    @Override
    public void run(SearchConfig cfg, JobContext ctx) throws Exception {
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        BiencoderTraining.Collection c = BiencoderTraining.load(spark, cfg.data().dataset());
        BiencoderTraining.Splits splits = BiencoderTraining.split(c, cfg.data());
        List<String> queryIds = BiencoderTraining.queryIds(c, splits, cfg.queries());
        long t0 = System.nanoTime();
        float[][] queries;
        try (TextEncoder encoder = SavedModelPath.onDriver(cfg.model())) {
            queries = encoder.encode(queryIds.stream().map(c.queries()::get).toList());
        }
        JavaRDD<Tuple2<String, float[]>> corpus = CorpusEmbeddings.read(spark, cfg.embeddings());
        int dim = queries[0].length;
        corpus.foreach(t -> {
            if (t._2().length != dim) {
                throw new BadInputException("embeddings: document " + t._1() + " has dimension " + t._2().length
                        + ", the model's queries have " + dim);
            }
        });
        Run run = DistributedRetrieval.search(corpus, queryIds, queries, cfg.k(), cfg.blockSize());
        TrecRunOutput.write(run, "sparktrain", cfg.out(), spark.sparkContext().hadoopConfiguration());
        ctx.console().printf(Locale.ROOT, "search: %d %s queries, top %d, in %.1f s; run written to %s%n",
                queryIds.size(), cfg.queries(), cfg.k(), (System.nanoTime() - t0) / 1e9, new Path(cfg.out()));
    }
}

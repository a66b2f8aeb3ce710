package org.sparktrain.jobs.biencoder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingListener;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.MetricsLog;
import org.sparktrain.jobs.ProgressReporter;
import org.sparktrain.jobs.RunDirectory;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.PooledEncoder;
import org.sparktrain.retrieval.encoder.PooledTextEncoder;
import org.sparktrain.retrieval.encoder.TokenEmbeddingTable;
import org.sparktrain.retrieval.encoder.WordPieceTokenizer;
import org.sparktrain.retrieval.eval.RetrievalMetrics;
import org.sparktrain.retrieval.eval.Run;
import org.sparktrain.retrieval.train.TrainingTriple;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sparktrain train-biencoder}: fine-tunes the {@code pooled} bi-encoder (MiniLM's token embeddings, trainable
 * token weights and residual layer; {@link PooledEncoder}) on triples of a prepared text-retrieval dataset (BM25 or
 * model-mined hard negatives, or self-supervised pairs: {@code data.triples}) with the relevance-margin loss (static or self-distilled adaptive margin, Gienapp et al.
 * 2025) or InfoNCE, across Spark workers with cross-worker negatives. Writes {@code model/} (loads in a plain JVM
 * with {@link PooledTextEncoder#load}), {@code eval.json} (nDCG@10, MRR@10, Recall@100, MAP@100 on the validation
 * and test queries) and {@code test.trec} (TREC run of the test queries, top 100).
 */
public final class TrainBiencoderJob implements Job<TrainBiencoderConfig> {
    static final int RUN_DEPTH = 100;

    @Override
    public String name() {
        return "train-biencoder";
    }

    @Override
    public String description() {
        return "fine-tune the pooled MiniLM bi-encoder (adaptive/static relevance margin or InfoNCE) on BM25 triples";
    }

    @Override
    public Class<TrainBiencoderConfig> configType() {
        return TrainBiencoderConfig.class;
    }

    @Override
    public String runIdKey() {
        return "runId";
    }

    @Override
    public void validate(TrainBiencoderConfig cfg, JobContext ctx) {
        Configuration conf = ctx.hadoopConf();
        PreparedDataset.readManifest(cfg.data().dataset(), conf);
        new RunDirectory(cfg.output(), cfg.runId(), conf).checkWritable();
    }

    @Override
    public void run(TrainBiencoderConfig cfg, JobContext ctx) throws Exception {
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        RunDirectory run = new RunDirectory(cfg.output(), cfg.runId(), conf);
        run.createWithConfig(cfg);

        byte[] tokenizerJson = MiniLmArtifact.read(cfg.minilm(), MiniLmFiles.TOKENIZER);
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromTokenizerJson(new ByteArrayInputStream(tokenizerJson),
                MiniLmFiles.TOKENIZER);
        TokenEmbeddingTable table = TokenEmbeddingTable.fromOnnx(
                new ByteArrayInputStream(MiniLmArtifact.read(cfg.minilm(), MiniLmFiles.ONNX)), MiniLmFiles.ONNX);
        String tablePath = run.file("token-embeddings.bin");
        BiencoderFactory.writeTable(table, tablePath, conf);

        BiencoderTraining.Collection collection = BiencoderTraining.load(spark, cfg.data().dataset());
        BiencoderTraining.Splits splits = BiencoderTraining.split(collection, cfg.data());
        PooledEncoder encoder = new PooledEncoder(table);
        float[] initial = BiencoderTraining.initialParams(encoder, collection, tokenizer, cfg.tokenWeights(),
                cfg.data().maxDocumentLength());
        String source = cfg.data().triples();
        BiencoderTraining.TrainingData training = BiencoderTraining.trainingData(collection, splits, cfg.data(),
                source.equals("title-body") || source.equals("sentence-rest")
                        ? BiencoderTraining.loadCorpus(spark, cfg.data().dataset()) : Map.of(),
                new PooledTextEncoder(encoder, tokenizerJson, initial, cfg.data().maxDocumentLength()));
        List<TrainingTriple> triples = training.triples();
        int batch = cfg.engine().batchSize();
        var frame = BiencoderTraining.frame(spark, training.collection(), triples, tokenizer, cfg.data(), batch,
                cfg.data().mineSeed());
        long used = triples.size() - triples.size() % batch;
        ctx.console().printf(Locale.ROOT, "[%s] %d train / %d validation / %d test queries; %d %s triples "
                        + "(%d used, a multiple of the batch %d); loss %s%n", cfg.runId(), splits.train().size(),
                splits.validation().size(), splits.test().size(), triples.size(), source, used, batch,
                cfg.loss().describe());

        BiencoderFactory factory = new BiencoderFactory(tablePath, cfg.loss(), tokenizer.padId());
        TrainingResult result;
        try (MetricsLog metrics = MetricsLog.open(run.file("metrics.jsonl"), conf, -1)) {
            ProgressReporter progress = new ProgressReporter(cfg.runId(), ctx.console(), metrics, cfg.engine().logEvery());
            TrainingSpec spec = new TrainingSpec(cfg.runId(), run.path(), frame, cfg.data().dataset() + " (triples)",
                    BiencoderTraining.columns(cfg.data()), factory, null, ctx.resume(),
                    TrainingListener.all(progress), initial);
            result = new TrainingEngine(spark, cfg.engine(), cfg.optimizer()).train(spec);
            ObjectNode summary = MetricsLog.record("summary");
            summary.put("step", result.state().globalStep());
            summary.put("trainSeconds", result.trainSeconds());
            metrics.write(summary);
        }

        PooledTextEncoder model = new PooledTextEncoder(encoder, tokenizerJson, result.evalParams(),
                cfg.data().maxDocumentLength());
        saveModel(model, run, conf);

        ObjectNode eval = new ObjectMapper().createObjectNode();
        eval.put("loss", cfg.loss().describe());
        eval.put("trainSeconds", result.trainSeconds());
        eval.put("steps", result.state().globalStep());
        eval.put("triples", used);
        if (!splits.validation().isEmpty()) {
            put(eval.putObject("validation"), BiencoderTraining.evaluate(model, collection, splits.validation(),
                    cfg.data().minRelevance()));
        }
        if (!splits.test().isEmpty()) {
            Run test = BiencoderTraining.retrieve(model, collection, splits.test(), RUN_DEPTH);
            RetrievalMetrics.Summary s = new RetrievalMetrics(collection.qrels().restrictTo(new HashSet<>(splits.test())),
                    cfg.data().minRelevance()).evaluate(test);
            put(eval.putObject("test"), s);
            TrecRunOutput.write(test, cfg.runId(), run.file("test.trec"), conf);
            ctx.console().printf(Locale.ROOT, "[%s] test (%d queries): nDCG@10 %.4f, MRR@10 %.4f, R@100 %.4f%n",
                    cfg.runId(), s.queries(), s.ndcg10(), s.mrr10(), s.recall100());
        }
        run.writeText("eval.json", new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(eval));
        ctx.console().printf(Locale.ROOT, "[%s] trained %d steps in %.1f s; model saved to %s%n", cfg.runId(),
                result.state().globalStep(), result.trainSeconds(), run.modelDir());
    }

    private static void put(ObjectNode node, RetrievalMetrics.Summary s) {
        node.put("queries", s.queries());
        node.put("ndcg10", s.ndcg10());
        node.put("mrr10", s.mrr10());
        node.put("recall100", s.recall100());
        node.put("map100", s.map100());
    }

    /** Saves the model locally, then moves it into the run directory atomically (any Hadoop path). */
    static void saveModel(PooledTextEncoder model, RunDirectory run, Configuration conf) throws IOException {
        java.nio.file.Path local = Files.createTempDirectory("sparktrain-pooled-");
        try {
            model.save(local.resolve("model"));
            try (AtomicOutput out = AtomicOutput.begin(run.modelDir(), conf)) {
                out.fileSystem().copyFromLocalFile(false, true, new Path(local.resolve("model").toUri()),
                        out.tempPath());
                out.commit();
            }
        } finally {
            deleteLocal(local);
        }
    }

    private static void deleteLocal(java.nio.file.Path root) {
        try (var paths = Files.walk(root)) {
            for (java.nio.file.Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

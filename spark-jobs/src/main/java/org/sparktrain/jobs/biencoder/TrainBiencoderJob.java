package org.sparktrain.jobs.biencoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.Checkpoints;
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
import org.sparktrain.retrieval.encoder.ParamsFile;
import org.sparktrain.retrieval.encoder.TextEncoder;
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
 * {@code sparktrain train-biencoder}: fine-tunes a bi-encoder ({@code encoder}: {@code pooled}, the fast default;
 * {@code minilm}, the whole all-MiniLM-L6-v2 transformer in SameDiff; {@code minilm-head}, a residual head on frozen
 * MiniLM; {@link BiencoderModel}) on triples of a prepared text-retrieval dataset (BM25 or model-mined hard negatives,
 * or self-supervised pairs: {@code data.triples}) with the relevance-margin loss (static or self-distilled adaptive
 * margin, Gienapp et al. 2025) or InfoNCE, across Spark workers with cross-worker negatives. Writes {@code model/}
 * (loads in a plain JVM with {@link org.sparktrain.retrieval.encoder.SavedEncoder#load}; {@code encode},
 * {@code search} and {@code evaluate-retrieval} read it), {@code eval.json} (nDCG@10, MRR@10, Recall@100, MAP@100 on
 * the validation and test queries) and {@code test.trec} (TREC run of the test queries, top 100). With
 * {@code selection.metric: validation-ndcg10} the saved model is the evaluated point with the best validation
 * nDCG@10 ({@link ValidationSelection}), not the last one; eval.json's {@code selection} holds its step and the curve.
 * With {@code data.remineEvery = k > 0} training runs in rounds of k epochs and the hard negatives are re-mined with
 * the model each round ended at ({@link Remining}); each round's engine call resumes the previous round's checkpoint
 * (parameters and optimizer state) on the new triples.
 */
public final class TrainBiencoderJob implements Job<TrainBiencoderConfig> {
    static final int RUN_DEPTH = 100;

    @Override
    public String name() {
        return "train-biencoder";
    }

    @Override
    public String description() {
        return "fine-tune a bi-encoder (pooled, minilm or minilm-head; adaptive/static relevance margin or InfoNCE) on triples";
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
        BiencoderTraining.Collection collection = BiencoderTraining.load(spark, cfg.data().dataset());
        BiencoderTraining.Splits splits = BiencoderTraining.split(collection, cfg.data());
        SelectedQueries selected = null;
        if (cfg.data().selection() != null) {
            if (!List.of("bm25", "model").contains(cfg.data().triples())) {
                throw new org.sparktrain.data.BadInputException("data.selection: selects training queries, but "
                        + "data.triples = " + cfg.data().triples() + " uses none");
            }
            selected = SelectedQueries.read(spark, cfg.data(), splits);
            splits = selected.restrict(splits);
            ctx.console().printf(Locale.ROOT, "[%s] data.selection %s: %s%n", cfg.runId(), cfg.data().selection(),
                    selected.explanation());
        }
        BiencoderModel model = model(cfg, spark, run, collection, tokenizer, tokenizerJson);
        String source = cfg.data().triples();
        BiencoderTraining.TrainingData training;
        try (var start = source.equals("model") ? model.start() : null) {
            training = BiencoderTraining.trainingData(collection, splits, cfg.data(),
                    source.equals("title-body") || source.equals("sentence-rest")
                            ? BiencoderTraining.loadCorpus(spark, cfg.data().dataset()) : Map.of(), start);
        }
        List<TrainingTriple> triples = training.triples();
        int batch = cfg.engine().batchSize();
        List<org.sparktrain.engine.ColumnSpec> columns = model.columns(cfg.data());
        boolean weighted = selected != null && selected.weighted();
        if (weighted) {
            cfg.loss().buildWeighted();   // fails early, naming loss.type, for a loss without weights
            columns = new java.util.ArrayList<>(columns);
            columns.add(org.sparktrain.engine.ColumnSpec.of(BiencoderTrainable.WEIGHT, 1));
        }
        long used = triples.size() - triples.size() % batch;
        ctx.console().printf(Locale.ROOT, "[%s] encoder %s; %d train / %d validation / %d test queries; %d %s triples "
                        + "(%d used, a multiple of the batch %d); loss %s%s%n", cfg.runId(), cfg.encoder(),
                splits.train().size(), splits.validation().size(), splits.test().size(), triples.size(), source, used,
                batch, cfg.loss().describe(), cfg.data().remines() ? "; negatives re-mined with the current model every "
                        + cfg.data().remineEvery() + " epoch(s)" : "");

        int epochs = cfg.engine().epochs();
        int every = cfg.data().remineEvery();
        int rounds = Remining.rounds(epochs, every);
        int firstRound = 0;
        if (cfg.data().remines()) {
            int resumedEpoch = ctx.resume() ? latestCheckpointEpoch(run) : 0;
            firstRound = Remining.roundOfEpoch(resumedEpoch, epochs, every);
            if (firstRound == 0) {
                Remining.write(run, 0, triples);
            } else {
                triples = Remining.read(run, firstRound);
                ctx.console().printf(Locale.ROOT, "[%s] resuming re-mining round %d (epoch %d) with its %d triples%n",
                        cfg.runId(), firstRound, resumedEpoch, triples.size());
            }
        }

        BiencoderSelectionConfig select = cfg.selection();
        TrainingResult result = null;
        double trainSeconds = 0;
        ArrayNode remined = new ObjectMapper().createArrayNode();
        ValidationSelection selection = null;
        try (MetricsLog metrics = MetricsLog.open(run.file("metrics.jsonl"), conf, run.resumeStep(ctx.resume()))) {
            ProgressReporter progress = new ProgressReporter(cfg.runId(), ctx.console(), metrics, cfg.engine().logEvery());
            TrainingListener listener = progress;
            if (select.selects()) {
                selection = selection(cfg, ctx, run, metrics, model, collection, splits);
                listener = TrainingListener.all(progress, selection);
            }
            TrainingEngine engine = new TrainingEngine(spark, select.engineFor(cfg.engine()), cfg.optimizer());
            for (int round = firstRound; round < rounds; round++) {
                var frame = model.frame(spark, training.collection(), triples, cfg.data(), batch, cfg.data().mineSeed());
                if (weighted) {   // each triple weighted by its query's (R/n)·w (data.selection)
                    frame = selected.weigh(frame, triples, batch, cfg.data().mineSeed());
                }
                // a later round continues from the checkpoint the previous round ended with (parameters and optimizer)
                TrainingSpec spec = new TrainingSpec(cfg.runId(), run.path(), frame, cfg.data().dataset() + " (triples)",
                        columns, model.factory(cfg.loss()), null, ctx.resume() || round > 0,
                        listener, model.initialParams(), Remining.stopEpoch(round, epochs, every));
                result = engine.train(spec);
                trainSeconds += result.trainSeconds();
                if (round + 1 < rounds) {
                    List<TrainingTriple> before = triples;
                    long t0 = System.nanoTime();
                    try (TextEncoder current = model.encoder(result.evalParams())) {
                        triples = Remining.mine(collection, splits, cfg.data(), current);
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    int changed = Remining.changed(before, triples);
                    Remining.write(run, round + 1, triples);
                    ObjectNode r = MetricsLog.record("remine");
                    r.put("round", round + 1);
                    r.put("epoch", result.state().epoch());
                    r.put("step", result.state().globalStep());
                    r.put("triples", triples.size());
                    r.put("changed", changed);
                    r.put("seconds", seconds);
                    metrics.write(r);
                    remined.add(r.deepCopy().without("type"));
                    ctx.console().printf(Locale.ROOT, "[%s] re-mined negatives after epoch %d (step %d) with the "
                                    + "current model in %.1f s: %d of %d triples changed (%.1f%%)%n", cfg.runId(),
                            result.state().epoch(), result.state().globalStep(), seconds, changed, triples.size(),
                            100.0 * changed / Math.max(1, triples.size()));
                }
            }
            ObjectNode summary = MetricsLog.record("summary");
            summary.put("step", result.state().globalStep());
            summary.put("trainSeconds", trainSeconds);
            if (selection != null) {
                summary.put("selectedStep", selection.bestStep());
                summary.put("selectedValidationNdcg10", selection.bestScore());
            }
            metrics.write(summary);
        }

        float[] chosen = selection == null ? result.evalParams() : selection.bestParams();
        saveModel(model, chosen, run, conf);
        TextEncoder trained = model.encoder(chosen);

        ObjectNode eval = new ObjectMapper().createObjectNode();
        eval.put("encoder", cfg.encoder());
        eval.put("loss", cfg.loss().describe());
        eval.put("trainSeconds", trainSeconds);
        eval.put("steps", result.state().globalStep());
        eval.put("triples", used);
        if (cfg.data().remines()) {
            ObjectNode r = eval.putObject("remining");
            r.put("everyEpochs", every);
            r.put("rounds", rounds);
            r.set("remined", remined);
        }
        if (selection != null) {
            eval.set("selection", selectionJson(select, selection));
        }
        // the corpus is encoded once for both query sets (for minilm, the whole transformer over every document)
        float[][] corpus = splits.validation().isEmpty() && splits.test().isEmpty() ? null
                : BiencoderTraining.encodeCorpus(trained, collection);
        if (!splits.validation().isEmpty()) {
            put(eval.putObject("validation"), BiencoderTraining.evaluate(trained, collection, corpus,
                    splits.validation(), cfg.data().minRelevance()));
        }
        if (!splits.test().isEmpty()) {
            Run test = BiencoderTraining.retrieve(trained, collection, corpus, splits.test(), RUN_DEPTH);
            RetrievalMetrics.Summary s = new RetrievalMetrics(collection.qrels().restrictTo(new HashSet<>(splits.test())),
                    cfg.data().minRelevance()).evaluate(test);
            put(eval.putObject("test"), s);
            TrecRunOutput.write(test, cfg.runId(), run.file("test.trec"), conf);
            ctx.console().printf(Locale.ROOT, "[%s] test (%d queries): nDCG@10 %.4f, MRR@10 %.4f, R@100 %.4f%n",
                    cfg.runId(), s.queries(), s.ndcg10(), s.mrr10(), s.recall100());
        }
        run.writeText("eval.json", new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(eval));
        ctx.console().printf(Locale.ROOT, "[%s] trained %d steps in %.1f s; model %ssaved to %s%n", cfg.runId(),
                result.state().globalStep(), trainSeconds, selection == null ? ""
                        : "of step " + selection.bestStep() + " (best validation nDCG@10) ", run.modelDir());
    }

    /**
     * The selection listener: scores validation nDCG@10 of the evaluation point, logs every point (console and a
     * {@code validation} record of metrics.jsonl) and keeps {@value #SELECTION_JSON} and {@value #SELECTION_PARAMS}
     * (curve and best parameters) in the run directory, from which a resumed run continues.
     */
    private static ValidationSelection selection(TrainBiencoderConfig cfg, JobContext ctx, RunDirectory run,
                                                 MetricsLog metrics, BiencoderModel model,
                                                 BiencoderTraining.Collection collection,
                                                 BiencoderTraining.Splits splits) throws IOException {
        Configuration conf = run.conf();
        ValidationSelection selection = new ValidationSelection(BiencoderTraining.ndcg10Scorer(model::encoder,
                collection, splits.validation(), cfg.data().minRelevance()),
                (point, best, sel) -> {
            ctx.console().printf(Locale.ROOT, "[%s] step %d: validation nDCG@10 %.4f%s%n", cfg.runId(), point.step(),
                    point.score(), best ? " (best so far)" : " (best: step " + sel.bestStep() + ")");
            ObjectNode r = MetricsLog.record("validation");
            r.put("step", point.step());
            r.put("ndcg10", point.score());
            r.put("best", best);
            metrics.write(r);
            try {
                if (best) {
                    writeParams(sel.bestParams(), run.file(SELECTION_PARAMS), conf);
                }
                run.writeText(SELECTION_JSON, new ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(selectionJson(cfg.selection(), sel)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the selection state of " + run.path(), e);
            }
        });
        if (ctx.resume() && run.exists(SELECTION_JSON) && run.exists(SELECTION_PARAMS)) {
            List<ValidationSelection.Point> curve = new java.util.ArrayList<>();
            for (JsonNode p : new ObjectMapper().readTree(run.readText(SELECTION_JSON)).get("curve")) {
                curve.add(new ValidationSelection.Point(p.get("step").asLong(), p.get("ndcg10").asDouble()));
            }
            try (var in = new Path(run.file(SELECTION_PARAMS)).getFileSystem(conf).open(new Path(run.file(SELECTION_PARAMS)))) {
                selection.restore(curve, ParamsFile.read(in, run.file(SELECTION_PARAMS)));
            }
        }
        return selection;
    }

    /** The epoch of the newest checkpoint of the run (0 when there is none). */
    private static int latestCheckpointEpoch(RunDirectory run) throws IOException {
        var latest = new Checkpoints(run.path(), run.conf()).latest();
        if (latest.isEmpty()) {
            return 0;
        }
        Path state = new Path(latest.get(), "state.json");
        try (var in = state.getFileSystem(run.conf()).open(state)) {
            return new ObjectMapper().readTree(in).get("epoch").asInt();
        }
    }

    static final String SELECTION_JSON = "selection.json";
    static final String SELECTION_PARAMS = "selection-best.bin";

    private static ObjectNode selectionJson(BiencoderSelectionConfig cfg, ValidationSelection s) {
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.put("metric", cfg.metric());
        node.put("everySteps", cfg.everySteps());
        node.put("step", s.bestStep());
        node.put("ndcg10", s.bestScore());
        var curve = node.putArray("curve");
        for (ValidationSelection.Point p : s.curve()) {
            curve.addObject().put("step", p.step()).put("ndcg10", p.score());
        }
        return node;
    }

    private static void writeParams(float[] params, String file, Configuration conf) throws IOException {
        try (AtomicOutput out = AtomicOutput.begin(file, conf)) {
            try (var os = out.fileSystem().create(out.tempPath(), true)) {
                ParamsFile.write(params, os);
            }
            out.commit();
        }
    }

    private static void put(ObjectNode node, RetrievalMetrics.Summary s) {
        node.put("queries", s.queries());
        node.put("ndcg10", s.ndcg10());
        node.put("mrr10", s.mrr10());
        node.put("recall100", s.recall100());
        node.put("map100", s.map100());
    }

    /**
     * The bi-encoder of {@code cfg.encoder}; {@code pooled} writes MiniLM's token table into the run directory
     * (read by every replica), {@code minilm-head} encodes the collection with the frozen base on Spark.
     */
    static BiencoderModel model(TrainBiencoderConfig cfg, SparkSession spark, RunDirectory run,
                                BiencoderTraining.Collection collection, WordPieceTokenizer tokenizer,
                                byte[] tokenizerJson) throws IOException {
        int maxLength = cfg.data().maxDocumentLength();
        return switch (cfg.encoder()) {
            case BiencoderModel.POOLED -> {
                TokenEmbeddingTable table = TokenEmbeddingTable.fromOnnx(
                        new ByteArrayInputStream(MiniLmArtifact.read(cfg.minilm(), MiniLmFiles.ONNX)), MiniLmFiles.ONNX);
                String tablePath = run.file("token-embeddings.bin");
                BiencoderFactory.writeTable(table, tablePath, run.conf());
                float[] initial = BiencoderTraining.initialParams(new PooledEncoder(table), collection, tokenizer,
                        cfg.tokenWeights(), maxLength);
                yield new PooledBiencoderModel(table, tablePath, tokenizer, tokenizerJson, initial, maxLength);
            }
            case BiencoderModel.MINILM -> new MiniLmBiencoderModel(cfg.minilm(), tokenizer, tokenizerJson, maxLength);
            case BiencoderModel.MINILM_HEAD -> new HeadBiencoderModel(spark, cfg.minilm(), tokenizerJson, maxLength,
                    cfg.engine().workers(), collection);
            default -> throw new IllegalArgumentException("unknown encoder " + cfg.encoder());
        };
    }

    /** Saves the model locally, then moves it into the run directory atomically (any Hadoop path). */
    static void saveModel(BiencoderModel model, float[] params, RunDirectory run, Configuration conf)
            throws IOException {
        java.nio.file.Path local = Files.createTempDirectory("sparktrain-biencoder-");
        try {
            model.save(params, local.resolve("model"));
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

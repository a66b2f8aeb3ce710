package org.sparktrain.jobs.moe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.PreparedDataset;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingListener;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.jobs.JobContext;
import org.sparktrain.jobs.MetricsLog;
import org.sparktrain.jobs.ProgressReporter;
import org.sparktrain.jobs.Reports;
import org.sparktrain.jobs.RunDirectory;

import java.util.List;
import java.util.Locale;

/**
 * {@code sparktrain train-moe} with {@code model.type: moe-lm}: trains the MoE language model
 * ({@link org.sparktrain.zoo.moe.MoeLanguageModel}) by next-token prediction on the documents of a prepared text
 * dataset ({@link LmCorpus}: word vocabulary from the training documents, windows of T + 1 ids, every
 * {@code text.validationEvery}-th document held out). The engine, the balancing state, the metrics and the report
 * are those of the classifier: per step MaxVio_batch and the training perplexity, per {@code logEvery} steps the
 * loads and biases, after every epoch the held-out perplexity and MaxVio_global. The model goes to
 * {@code model/moe-lm.json} (config, vocabulary, parameters, biases).
 */
final class MoeLmTraining {
    static final String VALIDATION = "held-out";

    private MoeLmTraining() {
    }

    static void validate(TrainMoeConfig cfg, JobContext ctx) {
        Configuration conf = ctx.hadoopConf();
        DatasetManifest manifest = PreparedDataset.readManifest(cfg.data().dataset(), conf);
        try {
            manifest.table(cfg.text().table());
        } catch (BadInputException e) {
            throw new BadInputException("text.table: " + cfg.data().dataset() + ": " + e.getMessage()
                    + "; model.type moe-lm needs a prepared text dataset (sparktrain prepare with source cranfield, "
                    + "text-lines, jsonl, beir or msmarco)", e);
        }
        new RunDirectory(cfg.output(), cfg.runId(), conf).checkWritable();
    }

    static void run(TrainMoeConfig cfg, JobContext ctx) {
        SparkSession spark = ctx.spark(cfg.spark());
        validate(cfg, ctx);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        RunDirectory run = new RunDirectory(cfg.output(), cfg.runId(), conf);
        run.createWithConfig(cfg);
        long resumeStep = run.resumeStep(ctx.resume());
        int context = cfg.model().contextLength();
        LmCorpus corpus = LmCorpus.read(spark, cfg.data().dataset(), cfg.text(), context);
        MoeLmFactory factory = new MoeLmFactory(cfg.model(), cfg.balancing(), corpus.vocabulary().size(),
                cfg.engine().seed());
        MoeBalancingState state = factory.state();
        Dataset<Row> train = LmCorpus.toFrame(spark, corpus.trainWindows());
        Dataset<Row> validation = corpus.validationWindows().isEmpty() ? null
                : LmCorpus.toFrame(spark, corpus.validationWindows()).persist(StorageLevel.MEMORY_AND_DISK());
        ctx.console().printf(Locale.ROOT, "[%s] corpus: vocabulary %d, %d training documents (%d tokens, %.1f%% <unk>, "
                        + "%d windows of %d), %d held-out documents (%d tokens, %.1f%% <unk>, %d windows)%n", cfg.runId(),
                corpus.vocabulary().size(), corpus.trainDocuments(), corpus.trainTokens(),
                100.0 * corpus.trainUnknown() / corpus.trainTokens(), corpus.trainWindows().size(), context + 1,
                corpus.validationDocuments(), corpus.validationTokens(),
                corpus.validationTokens() == 0 ? 0.0 : 100.0 * corpus.validationUnknown() / corpus.validationTokens(),
                corpus.validationWindows().size());

        MoeEvaluation[] last = {null};
        try (MetricsLog metrics = MetricsLog.open(run.file("metrics.jsonl"), conf, resumeStep)) {
            metrics.write(corpusRecord(corpus, context));
            ProgressReporter progress = new ProgressReporter(cfg.runId(), ctx.console(), metrics, cfg.engine().logEvery());
            MoeMetricsListener moe = new MoeMetricsListener(metrics, state, cfg.engine().logEvery(), true);
            TrainingListener validate = MoeRunOutput.validateAfterEpoch(spark, cfg.runId(), validation,
                    (params, bias) -> MoeLmEvaluator.evaluate(spark, validation, factory, params, bias), last,
                    (epoch, s, m) -> {
                        ctx.console().printf(Locale.ROOT, "[%s] epoch %d: held-out perplexity %.2f (next-token "
                                        + "accuracy %.4f), MaxVio_global %.3f%n", cfg.runId(), epoch + 1,
                                Math.exp(m.meanLoss()), m.accuracy(), m.maxVioGlobal());
                        metrics.write(MoeMetricsListener.validationRecord(m, s.globalState(), s.globalStep(), epoch,
                                VALIDATION, true));
                    });
            TrainingSpec spec = new TrainingSpec(cfg.runId(), run.path(), train, cfg.data().dataset() + "/"
                    + cfg.text().table() + " (windows)", List.of(ColumnSpec.of(LmCorpus.TOKENS, context + 1)), factory,
                    state, ctx.resume(), TrainingListener.all(progress, moe, validate), null);
            TrainingResult result = new TrainingEngine(spark, cfg.engine(), cfg.optimizer()).train(spec);

            ObjectNode summary = MoeRunOutput.summary(result, cfg.balancing(), last[0]);
            summary.put("tokensPerSecond", result.samplesPerSecond() * context);
            summary.put("numParams", factory.createModel().numParams());
            if (last[0] != null) {
                summary.put("validationPerplexity", Math.exp(last[0].meanLoss()));
            }
            metrics.write(summary);
            writeModel(run, cfg, corpus, result);
            ctx.console().printf(Locale.ROOT, "[%s] trained %d steps in %.1f s (%.0f windows/s); model saved to %s%n",
                    cfg.runId(), result.state().globalStep(), result.trainSeconds(), result.samplesPerSecond(),
                    run.modelDir());
        } finally {
            if (validation != null) {
                validation.unpersist();
            }
        }
        Reports.write(run, ctx);
    }

    private static ObjectNode corpusRecord(LmCorpus corpus, int context) {
        ObjectNode r = MetricsLog.record("moe-lm-corpus");
        r.put("vocabulary", corpus.vocabulary().size());
        r.put("contextLength", context);
        r.put("trainDocuments", corpus.trainDocuments());
        r.put("trainTokens", corpus.trainTokens());
        r.put("trainUnknown", corpus.trainUnknown());
        r.put("trainWindows", corpus.trainWindows().size());
        r.put("validationDocuments", corpus.validationDocuments());
        r.put("validationTokens", corpus.validationTokens());
        r.put("validationUnknown", corpus.validationUnknown());
        r.put("validationWindows", corpus.validationWindows().size());
        return r;
    }

    /** {@code model/moe-lm.json}: config, vocabulary, parameters (evaluation point) and routing biases, atomically. */
    private static void writeModel(RunDirectory run, TrainMoeConfig cfg, LmCorpus corpus, TrainingResult result) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode model = json.createObjectNode();
        model.put("format", "sparktrain-moe-lm-1");
        model.put("seed", cfg.engine().seed());
        model.set("model", json.valueToTree(cfg.model()));
        model.set("balancing", json.valueToTree(cfg.balancing()));
        model.set("text", json.valueToTree(cfg.text()));
        ArrayNode vocab = model.putArray("vocabulary");
        corpus.vocabulary().words().forEach(vocab::add);
        MoeRunOutput.writeModel(run, "model/moe-lm.json", model, result);
    }
}

package org.sparktrain.bench.retrieval;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.jobs.biencoder.BiencoderDataConfig;
import org.sparktrain.jobs.biencoder.BiencoderLossConfig;
import org.sparktrain.jobs.biencoder.BiencoderTraining;
import org.sparktrain.jobs.biencoder.BiencoderTrainingRun;
import org.sparktrain.retrieval.encoder.HeadTextEncoder;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.OnnxMiniLmEncoder;
import org.sparktrain.retrieval.eval.RetrievalMetrics;
import org.sparktrain.retrieval.eval.TrecRunFile;
import org.sparktrain.retrieval.train.DenseNegativeMiner;
import org.sparktrain.retrieval.train.TrainingTriple;
import org.sparktrain.testing.SharedSpark;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fine-tuning that starts from a strong zero-shot model: the {@code minilm-head} bi-encoder, all-MiniLM-L6-v2
 * sentence embeddings (ONNX Runtime, frozen) plus a trainable residual linear head initialised to the identity, so
 * step 0 is exactly MiniLM zero-shot. Trained with the distributed engine (2 workers, local Spark) on triples of
 * the 120 training queries of the fixed Cranfield split (BM25 negatives, or hard negatives mined by the zero-shot
 * model with {@code bench.negatives=model}); evaluated on the 75 test queries (validation = 30 other queries, used
 * for every choice; the test queries are never seen in training or selection).
 *
 * <p>Phase {@code optimizers} (issue 9): the adaptive-margin loss with Adam at 5 learning rates and with
 * dadapt-adam, prodigy, schedule-free-adamw at their defaults. Phase {@code losses} (issue 4): (a) static margin
 * swept over 4 margins, (b) InfoNCE, (c) self-distillation adaptive margin, with and without in-batch negatives,
 * all with Adam at the learning rate the optimizer phase chose on validation if it ran first (else {@code bench.lr},
 * default 1e-4), same triples,
 * same steps. Not a unit test:
 * {@code mvn -B -o -q -pl spark-jobs -am test -Dtest=CranfieldMiniLmHeadBench -Dsurefire.failIfNoSpecifiedTests=false}
 * (properties {@code bench.phases} = {@code optimizers,losses} (run in that order),
 * {@code bench.batch} (32), {@code bench.epochs} (1), {@code bench.lr},
 * {@code bench.negatives} = {@code bm25|model}). Phase {@code sweep} ({@link OptimizerSeedSweep}): Adam over
 * {@code bench.adamRates} against the learning-rate-free specs {@code bench.free}, each over {@code bench.seeds}
 * (the seed orders the triples; seed 1 with engine seed 42 is the order of the other phases). The MiniLM embeddings are cached in
 * {@code target/cranfield-minilm-head/minilm-embeddings.bin}.
 */
@ExtendWith(SharedSpark.class)
class CranfieldMiniLmHeadBench {
    private static final int DIM = 384;

    @Test
    void fineTuneFromMiniLmZeroShot(SparkSession spark) throws Exception {
        int epochs = Integer.getInteger("bench.epochs", 1);
        List<String> phases = List.of(System.getProperty("bench.phases", "optimizers,losses").split(","));
        String negatives = System.getProperty("bench.negatives", "bm25");
        Path out = Path.of("target", "cranfield-minilm-head").toAbsolutePath();
        Files.createDirectories(out);

        BiencoderTraining.Collection c = CranfieldCollection.load();
        BiencoderDataConfig data = BiencoderDataConfig.of("cranfield").withValidationQueries(30);
        BiencoderTraining.Splits splits = BiencoderTraining.split(c, data);
        assertEquals(75, splits.test().size());
        assertEquals(120, splits.train().size());

        long t0 = System.nanoTime();
        Map<String, float[]> docEmb = embeddings(c.documents(), out.resolve("minilm-doc-embeddings.bin"));
        Map<String, float[]> queryEmb = embeddings(c.queries(), out.resolve("minilm-query-embeddings.bin"));
        System.out.printf(Locale.ROOT, "MiniLM embeddings ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Evaluator eval = new Evaluator(c, docEmb, queryEmb, splits);

        List<TrainingTriple> triples = switch (negatives) {
            case "bm25" -> BiencoderTraining.mine(c, splits.train(), data);
            case "model" -> new DenseNegativeMiner(new ArrayList<>(docEmb.keySet()),
                    docEmb.values().toArray(new float[0][]), data.bm25Depth(), data.negativesPerPositive(),
                    data.minRelevance()).mine(splits.train(), queryEmb, c.qrels(), data.mineSeed());
            default -> throw new IllegalArgumentException("bench.negatives must be bm25 or model, got " + negatives);
        };
        EngineConfig engine = new EngineConfig(2, "allreduce", 1, Integer.getInteger("bench.batch", 32), epochs, 42L, 0,
                1, 1000, 1, 600, 60, 0);
        Dataset<Row> frame = BiencoderTraining.embeddingFrame(spark, triples, queryEmb, docEmb, engine.batchSize(),
                data.mineSeed()).cache();
        long used = frame.count();
        partial = out.resolve("results-" + negatives + ".partial.md");
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "Cranfield, minilm-head (frozen all-MiniLM-L6-v2 + residual linear head at identity), %d %s triples"
                        + " of %d training queries, 2 workers, batch %d, %d epochs (%d steps)%n%n", used, negatives,
                splits.train().size(), engine.batchSize(), epochs, epochs * used / engine.batchSize()));
        append(report, Evaluator.HEADER);
        double[] zero = new double[DIM * DIM + DIM];
        append(report, eval.row("MiniLM zero-shot = step 0 of every run", zero, "-"));

        double lr = Double.parseDouble(System.getProperty("bench.lr", "1e-4"));
        for (String phase : phases) {
            if (phase.equals("optimizers")) {
                append(report, "| **optimizers, adaptive margin loss** | | | | | |\n");
                double bestVal = -1;
                double sweepSeconds = 0;
                for (double rate : List.of(1e-5, 3e-5, 1e-4, 3e-4, 1e-3)) {
                    BiencoderTrainingRun.HeadOutcome o = train(spark, engine, OptimizerConfig.of("adam", rate), out,
                            "adam-" + rate, BiencoderLossConfig.adaptive(), frame);
                    sweepSeconds += o.trainSeconds();
                    double val = eval.validation(o.params());
                    append(report, eval.row("adam lr=" + rate, o.params(), seconds(o.trainSeconds())));
                    if (val > bestVal) {
                        bestVal = val;
                        lr = rate;
                    }
                }
                append(report, String.format(Locale.ROOT, "| adam: sweep of 5 learning rates, best on validation lr=%s "
                        + "| | | | | %s |%n", lr, seconds(sweepSeconds)));
                for (String type : List.of("dadapt-adam", "prodigy", "schedule-free-adamw")) {
                    BiencoderTrainingRun.HeadOutcome o = train(spark, engine, OptimizerConfig.defaults(type), out, type,
                            BiencoderLossConfig.adaptive(), frame);
                    append(report, eval.row(type + " (defaults)", o.params(), seconds(o.trainSeconds())));
                }
            } else if (phase.equals("sweep")) {
                String summary = OptimizerSeedSweep.run((name, optimizer, seed) -> {
                    EngineConfig seeded = new EngineConfig(2, "allreduce", 1, engine.batchSize(), epochs, 41L + seed,
                            0, 1, 1000, 1, 600, 60, 0);
                    Dataset<Row> ordered = BiencoderTraining.embeddingFrame(spark, triples, queryEmb, docEmb,
                            engine.batchSize(), seed);
                    BiencoderTrainingRun.HeadOutcome o = train(spark, seeded, optimizer, out,
                            "sweep-" + Math.abs(name.hashCode()) + "-" + seed, BiencoderLossConfig.adaptive(), ordered);
                    return new OptimizerSeedSweep.Result(eval.validation(o.params()), eval.metrics(o.params(),
                            splits.test()), o.trainSeconds(), OptimizerSeedSweep.distance(o.result().evalParams(),
                            new float[o.result().evalParams().length]));
                }, rates(), OptimizerSeedSweep.parse(System.getProperty("bench.free", FREE_DEFAULTS)),
                        OptimizerSeedSweep.seeds(System.getProperty("bench.seeds", "1,2,3")),
                        line -> append(report, line));
                append(report, "\n" + summary);
            } else if (phase.equals("losses")) {
                OptimizerConfig adam = OptimizerConfig.of("adam", lr);
                append(report, String.format(Locale.ROOT, "| **losses, Adam lr=%s** | | | | | |%n", lr));
                double bestVal = -1;
                double sweepSeconds = 0;
                String best = null;
                double[] bestParams = null;
                for (double m : List.of(0.05, 0.1, 0.2, 0.4)) {
                    BiencoderTrainingRun.HeadOutcome o = train(spark, engine, adam, out, "static-" + m,
                            BiencoderLossConfig.staticMargin(m), frame);
                    sweepSeconds += o.trainSeconds();
                    double val = eval.validation(o.params());
                    append(report, eval.row("(a) static margin c=" + m, o.params(), seconds(o.trainSeconds())));
                    if (val > bestVal) {
                        bestVal = val;
                        best = "c=" + m;
                        bestParams = o.params();
                    }
                }
                append(report, eval.row("**(a) static margin, best on validation (" + best + ")**", bestParams,
                        "**" + seconds(sweepSeconds) + " (sweep of 4)**"));
                BiencoderTrainingRun.HeadOutcome infoNce = train(spark, engine, adam, out, "infonce",
                        BiencoderLossConfig.infoNce(), frame);
                append(report, eval.row("**(b) InfoNCE (τ=0.05, in-batch + cross-worker negatives)**", infoNce.params(),
                        "**" + seconds(infoNce.trainSeconds()) + "**"));
                BiencoderTrainingRun.HeadOutcome adaptive = train(spark, engine, adam, out, "adaptive",
                        BiencoderLossConfig.adaptive(), frame);
                append(report, eval.row("**(c) self-distillation adaptive margin (no sweep)**", adaptive.params(),
                        "**" + seconds(adaptive.trainSeconds()) + "**"));
                BiencoderTrainingRun.HeadOutcome inBatch = train(spark, engine, adam, out, "adaptive-inbatch",
                        BiencoderLossConfig.adaptive().withInBatchNegatives(true), frame);
                append(report, eval.row("(c) adaptive margin, in-batch negatives", inBatch.params(),
                        seconds(inBatch.trainSeconds())));
                TrecRunFile.write(eval.testRun(adaptive.params()), "minilm-head-adaptive",
                        out.resolve("minilm-head-adaptive.trec"));
                append(report, String.format(Locale.ROOT, "%n(a) sweep / (c) training time: %.1fx%n",
                        sweepSeconds / adaptive.trainSeconds()));
            } else {
                throw new IllegalArgumentException("bench.phases: unknown phase " + phase);
            }
        }
        Files.writeString(out.resolve("results-" + negatives + ".md"), report);
        System.out.println(report);
    }

    private static BiencoderTrainingRun.HeadOutcome train(SparkSession spark, EngineConfig engine,
                                                          OptimizerConfig optimizer, Path out, String name,
                                                          BiencoderLossConfig loss, Dataset<Row> frame)
            throws IOException {
        BiencoderTrainingRun.HeadOutcome o = BiencoderTrainingRun.trainHead(spark, engine, optimizer, out.toString(),
                name, loss, frame, DIM);
        System.out.printf(Locale.ROOT, "trained %s in %.1f s%n", name, o.trainSeconds());
        return o;
    }

    /** The learning-rate-free optimizers of phase {@code sweep}: spec defaults and spec-listed default options. */
    static final String FREE_DEFAULTS = "schedule-free-adamw;prodigy;dadapt-adam;dog;ldog;schedule-free-sgd";

    private static List<Double> rates() {
        List<Double> out = new ArrayList<>();
        for (String r : System.getProperty("bench.adamRates", "1e-5,3e-5,1e-4,3e-4,1e-3").split(",")) {
            out.add(Double.parseDouble(r.trim()));
        }
        return out;
    }

    private static Path partial;

    /** Appends a row, prints it and rewrites the partial results file (a killed run keeps what it finished). */
    private static void append(StringBuilder report, String row) throws IOException {
        report.append(row);
        System.out.print(row);
        Files.writeString(partial, report);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }

    /** Validation and test metrics of head parameters on the cached MiniLM embeddings (exact top 100). */
    private static final class Evaluator {
        static final String HEADER = "| system | val nDCG@10 | test nDCG@10 | test MRR@10 | test R@100 | training time |\n"
                + "|---|---|---|---|---|---|\n";
        private final BiencoderTraining.Collection c;
        private final List<String> docIds;
        private final float[][] docs;
        private final Map<String, float[]> queries;
        private final BiencoderTraining.Splits splits;

        Evaluator(BiencoderTraining.Collection c, Map<String, float[]> docEmb, Map<String, float[]> queryEmb,
                  BiencoderTraining.Splits splits) {
            this.c = c;
            this.docIds = new ArrayList<>(docEmb.keySet());
            this.docs = docEmb.values().toArray(new float[0][]);
            this.queries = queryEmb;
            this.splits = splits;
        }

        org.sparktrain.retrieval.eval.Run run(double[] params, List<String> queryIds) {
            float[][] q = queryIds.stream().map(queries::get).toArray(float[][]::new);
            return BiencoderTraining.retrieve(HeadTextEncoder.apply(params, q), queryIds,
                    HeadTextEncoder.apply(params, docs), docIds, 100);
        }

        org.sparktrain.retrieval.eval.Run testRun(double[] params) {
            return run(params, splits.test());
        }

        RetrievalMetrics.Summary metrics(double[] params, List<String> queryIds) {
            return new RetrievalMetrics(c.qrels().restrictTo(new HashSet<>(queryIds)), 1).evaluate(run(params, queryIds));
        }

        double validation(double[] params) {
            return metrics(params, splits.validation()).ndcg10();
        }

        String row(String name, double[] params, String time) {
            RetrievalMetrics.Summary t = metrics(params, splits.test());
            return String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f | %s |%n", name, validation(params),
                    t.ndcg10(), t.mrr10(), t.recall100(), time);
        }
    }

    /** MiniLM (ONNX Runtime, max 256 tokens) embeddings of the texts, cached in {@code file}. */
    private static Map<String, float[]> embeddings(Map<String, String> texts, Path file) throws Exception {
        List<String> ids = new ArrayList<>(texts.keySet());
        if (Files.exists(file)) {
            try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
                int n = in.readInt();
                int d = in.readInt();
                if (n == ids.size() && d == DIM) {
                    Map<String, float[]> m = new LinkedHashMap<>();
                    for (String id : ids) {
                        float[] v = new float[d];
                        for (int k = 0; k < d; k++) {
                            v[k] = in.readFloat();
                        }
                        m.put(id, v);
                    }
                    return m;
                }
            }
        }
        Map<String, float[]> m;
        try (OnnxMiniLmEncoder enc = OnnxMiniLmEncoder.load(MiniLmFiles.MAX_SEQ_LENGTH, 2)) {
            m = DenseNegativeMiner.encode(enc, texts);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream o = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp)))) {
            o.writeInt(ids.size());
            o.writeInt(DIM);
            for (String id : ids) {
                for (float v : m.get(id)) {
                    o.writeFloat(v);
                }
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return m;
    }
}

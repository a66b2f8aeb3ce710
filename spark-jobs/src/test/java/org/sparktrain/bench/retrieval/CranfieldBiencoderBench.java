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
import org.sparktrain.jobs.biencoder.BiencoderSelectionConfig;
import org.sparktrain.jobs.biencoder.BiencoderTraining;
import org.sparktrain.jobs.biencoder.BiencoderTrainingRun;
import org.sparktrain.retrieval.bm25.Bm25Index;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.PooledEncoder;
import org.sparktrain.retrieval.encoder.PooledTextEncoder;
import org.sparktrain.retrieval.encoder.TokenEmbeddingTable;
import org.sparktrain.retrieval.encoder.WordPieceTokenizer;
import org.sparktrain.retrieval.eval.RetrievalMetrics;
import org.sparktrain.retrieval.eval.Run;
import org.sparktrain.retrieval.eval.TrecRunFile;
import org.sparktrain.retrieval.train.TrainingTriple;
import org.sparktrain.testing.SharedSpark;

import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Cranfield comparison of docs/benchmarks-retrieval.md on the {@code pooled} bi-encoder: (a) static margin,
 * swept over margins and chosen on a validation split, (b) InfoNCE, (c) the self-distillation adaptive margin (no
 * sweep), each trained with the distributed engine (2 workers, local Spark) on the same BM25 triples of the 120
 * training queries, and evaluated on the fixed 75 test queries of {@code CranfieldBaselinesBench} (seed 20261127;
 * validation = the first 30 of the 150 other queries). Prints a Markdown table with nDCG@10, MRR@10, R@100 and the
 * training wall-clock (the sweep counted for (a)); TREC runs go to {@code target/cranfield-biencoder/}. Not a unit
 * test (the name does not end in Test):
 * {@code mvn -B -o -q -pl spark-jobs -am test -Dtest=CranfieldBiencoderBench -Dsurefire.failIfNoSpecifiedTests=false}
 * (system properties {@code bench.epochs}, {@code bench.lr}, {@code bench.margins} override the settings;
 * {@code bench.variants}, a subset of {@code static,infonce,adaptive}, runs only those;
 * {@code bench.adaptiveInBatch=true} gives (c) in-batch negatives). {@code bench.variants=optimizers} runs only the
 * issue-9 comparison instead ({@link OptimizerSeedSweep}: adaptive margin, Adam over {@code bench.adamRates} against
 * the learning-rate-free specs {@code bench.free}, each over {@code bench.seeds}); with
 * {@code bench.selectBy=validation-ndcg10} every run keeps its best validation point, evaluated every
 * {@code bench.evalEvery} steps (default 20) and at epoch ends, as {@code train-biencoder}'s {@code selection}.
 */
@ExtendWith(SharedSpark.class)
class CranfieldBiencoderBench {
    @Test
    void staticSweepInfoNceAndAdaptiveMarginOnTheTestSplit(SparkSession spark) throws Exception {
        int epochs = Integer.getInteger("bench.epochs", 3);
        double lr = Double.parseDouble(System.getProperty("bench.lr", "0.001"));
        List<Double> margins = new ArrayList<>();
        for (String m : System.getProperty("bench.margins", "0.05,0.1,0.2,0.4").split(",")) {
            margins.add(Double.parseDouble(m));
        }
        List<String> variants = List.of(System.getProperty("bench.variants", "static,infonce,adaptive").split(","));
        BiencoderTraining.Collection c = CranfieldCollection.load();
        BiencoderDataConfig data = BiencoderDataConfig.of("cranfield").withValidationQueries(30);
        BiencoderTraining.Splits splits = BiencoderTraining.split(c, data);
        assertEquals(75, splits.test().size());
        java.nio.file.Path out = java.nio.file.Path.of("target", "cranfield-biencoder").toAbsolutePath();
        Files.createDirectories(out);

        WordPieceTokenizer tokenizer = MiniLmFiles.tokenizer();
        byte[] tokenizerJson;
        try (InputStream in = MiniLmFiles.open(MiniLmFiles.TOKENIZER)) {
            tokenizerJson = in.readAllBytes();
        }
        TokenEmbeddingTable table = TokenEmbeddingTable.fromMiniLm();
        PooledEncoder encoder = new PooledEncoder(table);
        List<TrainingTriple> triples = BiencoderTraining.mine(c, splits.train(), data);
        EngineConfig engine = new EngineConfig(2, "allreduce", 1, 32, epochs, 42L, 0, 1, 1000, 1, 600, 60, 0);
        Dataset<Row> frame = BiencoderTraining.frame(spark, c, triples, tokenizer, data, engine.batchSize(),
                data.mineSeed()).cache();
        long used = frame.count();
        float[] initial = BiencoderTraining.initialParams(encoder, c, tokenizer, "idf", data.maxDocumentLength());
        BiencoderTrainingRun trainer = new BiencoderTrainingRun(spark, table, tokenizer.padId(), engine,
                OptimizerConfig.of("adam", lr), out.toString());

        StringBuilder table1 = new StringBuilder("| system | val nDCG@10 | test nDCG@10 | test MRR@10 | test R@100 | "
                + "training time |\n|---|---|---|---|---|---|\n");
        Run bm25;
        try (Bm25Index index = Bm25Index.build(c.documents())) {
            Map<String, String> testQueries = new LinkedHashMap<>();
            splits.test().forEach(q -> testQueries.put(q, c.queries().get(q)));
            bm25 = Run.of(index.searchAll(testQueries, 100));
        }
        RetrievalMetrics testJudge = new RetrievalMetrics(c.qrels().restrictTo(new HashSet<>(splits.test())), 1);
        table1.append(row("BM25 (Lucene)", Double.NaN, testJudge.evaluate(bm25), "-"));
        for (String init : List.of("ones", "idf")) {
            PooledTextEncoder zero = new PooledTextEncoder(encoder, tokenizerJson,
                    BiencoderTraining.initialParams(encoder, c, tokenizer, init, data.maxDocumentLength()),
                    data.maxDocumentLength());
            table1.append(row("pooled zero-shot (token weights " + init + ")",
                    BiencoderTraining.evaluate(zero, c, splits.validation(), 1).ndcg10(),
                    BiencoderTraining.evaluate(zero, c, splits.test(), 1), "-"));
        }

        if (variants.contains("optimizers")) {
            BiencoderSelectionConfig selection = new BiencoderSelectionConfig(
                    System.getProperty("bench.selectBy", BiencoderSelectionConfig.FINAL),
                    Integer.getInteger("bench.evalEvery", 20));
            StringBuilder selected = new StringBuilder("\n| optimizer | seed | selected step | validation nDCG@10 "
                    + "curve (step: value) |\n|---|---|---|---|\n");
            String summary = OptimizerSeedSweep.run((name, optimizer, seed) -> {
                EngineConfig seeded = new EngineConfig(2, "allreduce", 1, engine.batchSize(), epochs, 41L + seed, 0, 1,
                        1000, 1, 600, 60, 0);
                Dataset<Row> ordered = BiencoderTraining.frame(spark, c, triples, tokenizer, data, engine.batchSize(),
                        seed);
                long t0 = System.nanoTime();
                BiencoderTrainingRun.Outcome o = trainer.with(seeded, optimizer).train(
                        "sweep-" + Math.abs(name.hashCode()) + "-" + seed, BiencoderLossConfig.adaptive(), ordered,
                        data, initial, tokenizerJson, selection, BiencoderTraining.ndcg10Scorer(encoder, tokenizerJson,
                                data.maxDocumentLength(), c, splits.validation(), 1));
                System.out.printf(Locale.ROOT, "trained %s seed %d in %.1f s (%.1f s wall with evaluations)%n", name,
                        seed, o.trainSeconds(), (System.nanoTime() - t0) / 1e9);
                if (o.selection() != null) {
                    StringBuilder curve = new StringBuilder();
                    for (var p : o.selection().curve()) {
                        curve.append(curve.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d: %.4f",
                                p.step(), p.score()));
                    }
                    String line = String.format(Locale.ROOT, "| %s | %d | %d of %d | %s |%n", name, seed,
                            o.selection().bestStep(), o.result().state().globalStep(), curve);
                    selected.append(line);
                    System.out.print(line);
                }
                return new OptimizerSeedSweep.Result(
                        BiencoderTraining.evaluate(o.model(), c, splits.validation(), 1).ndcg10(),
                        BiencoderTraining.evaluate(o.model(), c, splits.test(), 1), o.trainSeconds(),
                        OptimizerSeedSweep.distance(o.params(), initial));
            }, rates(), OptimizerSeedSweep.parse(System.getProperty("bench.free",
                    CranfieldMiniLmHeadBench.FREE_DEFAULTS)), OptimizerSeedSweep.seeds(
                    System.getProperty("bench.seeds", "1,2,3")), line -> {
                table1.append(line);
                System.out.print(line);
                Files.writeString(out.resolve("optimizers.partial.md"), table1.toString() + selected);
            });
            String report = String.format(Locale.ROOT, "Cranfield, pooled encoder, adaptive margin, %d BM25 triples, "
                    + "2 workers, batch 32, %d epochs, token weights initialised with IDF, model selection %s%s%n%n%s%n%s%s",
                    used, epochs, selection.metric(), selection.selects() ? " every " + selection.everySteps()
                            + " steps and at epoch ends" : "", table1, summary,
                    selection.selects() ? selected : "");
            Files.writeString(out.resolve("optimizers.md"), report);
            System.out.println(report);
            return;
        }
        double sweepSeconds = 0;
        double bestVal = -1;
        String bestName = null;
        RetrievalMetrics.Summary bestTest = null;
        for (double m : variants.contains("static") ? margins : List.<Double>of()) {
            BiencoderTrainingRun.Outcome o = trainer.train("static-" + m, BiencoderLossConfig.staticMargin(m), frame,
                    data, initial, tokenizerJson);
            sweepSeconds += o.trainSeconds();
            double val = BiencoderTraining.evaluate(o.model(), c, splits.validation(), 1).ndcg10();
            RetrievalMetrics.Summary test = BiencoderTraining.evaluate(o.model(), c, splits.test(), 1);
            table1.append(row("(a) static margin c=" + m, val, test, seconds(o.trainSeconds())));
            if (val > bestVal) {
                bestVal = val;
                bestName = "c=" + m;
                bestTest = test;
            }
        }
        if (bestTest != null) {
            table1.append(row("**(a) static margin, best on validation (" + bestName + ")**", bestVal, bestTest,
                    "**" + seconds(sweepSeconds) + " (sweep of " + margins.size() + ")**"));
        }
        if (variants.contains("infonce")) {
            BiencoderTrainingRun.Outcome infoNce = trainer.train("infonce", BiencoderLossConfig.infoNce(), frame, data,
                    initial, tokenizerJson);
            table1.append(row("**(b) InfoNCE (τ=0.05, in-batch + cross-worker negatives)**",
                    BiencoderTraining.evaluate(infoNce.model(), c, splits.validation(), 1).ndcg10(),
                    BiencoderTraining.evaluate(infoNce.model(), c, splits.test(), 1),
                    "**" + seconds(infoNce.trainSeconds()) + "**"));
        }
        if (!variants.contains("adaptive")) {
            System.out.println(table1);
            return;
        }

        boolean inBatch = Boolean.getBoolean("bench.adaptiveInBatch");
        BiencoderTrainingRun.Outcome adaptive = trainer.train("adaptive",
                BiencoderLossConfig.adaptive().withInBatchNegatives(inBatch), frame, data, initial, tokenizerJson);
        RetrievalMetrics.Summary adaptiveTest = BiencoderTraining.evaluate(adaptive.model(), c, splits.test(), 1);
        table1.append(row("**(c) self-distillation adaptive margin (no sweep" + (inBatch ? ", in-batch" : "") + ")**",
                BiencoderTraining.evaluate(adaptive.model(), c, splits.validation(), 1).ndcg10(), adaptiveTest,
                "**" + seconds(adaptive.trainSeconds()) + "**"));
        TrecRunFile.write(BiencoderTraining.retrieve(adaptive.model(), c, splits.test(), 100), "pooled-adaptive",
                out.resolve("pooled-adaptive.trec"));

        String report = String.format(Locale.ROOT, "Cranfield, pooled encoder, %d BM25 triples of %d training queries"
                        + " (4 negatives per positive, a multiple of the batch), 2 workers, batch 32, %d epochs, Adam lr %s,"
                        + " token weights initialised with IDF%n%n%s%n(c) vs (a): nDCG@10 %+.4f, training time %.1fx less%n",
                used, splits.train().size(), epochs, lr, table1,
                bestTest == null ? Double.NaN : adaptiveTest.ndcg10() - bestTest.ndcg10(),
                sweepSeconds / adaptive.trainSeconds());
        Files.writeString(out.resolve("results.md"), report);
        System.out.println(report);
    }

    private static List<Double> rates() {
        List<Double> out = new ArrayList<>();
        for (String r : System.getProperty("bench.adamRates", "1e-4,3e-4,1e-3,3e-3,1e-2").split(",")) {
            out.add(Double.parseDouble(r.trim()));
        }
        return out;
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }

    private static String row(String name, double val, RetrievalMetrics.Summary s, String time) {
        return String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f | %s |%n", name,
                Double.isNaN(val) ? "-" : String.format(Locale.ROOT, "%.4f", val), s.ndcg10(), s.mrr10(),
                s.recall100(), time);
    }
}

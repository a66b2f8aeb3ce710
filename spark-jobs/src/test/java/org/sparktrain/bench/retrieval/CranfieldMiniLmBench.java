package org.sparktrain.bench.retrieval;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingListener;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.jobs.biencoder.BiencoderDataConfig;
import org.sparktrain.jobs.biencoder.BiencoderLossConfig;
import org.sparktrain.jobs.biencoder.BiencoderTraining;
import org.sparktrain.jobs.biencoder.MiniLmBiencoderFactory;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.MiniLmSameDiffEncoder;
import org.sparktrain.retrieval.eval.RetrievalMetrics;
import org.sparktrain.retrieval.eval.Run;
import org.sparktrain.retrieval.eval.TrecRunFile;
import org.sparktrain.retrieval.train.TrainingTriple;
import org.sparktrain.testing.SharedSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 4 (c) on the trainable transformer: the {@code minilm} bi-encoder (all-MiniLM-L6-v2 re-built in SameDiff,
 * 22,565,376 parameters, pretrained ONNX weights) fine-tuned end to end with the self-distillation adaptive relevance
 * margin loss (Gienapp et al. 2024, no in-batch negatives, no margin to sweep) through the distributed engine (local
 * Spark, 2 workers, allreduce, Adam) on the BM25 triples of the 120 training queries of the fixed Cranfield split
 * (seed 20261127; 30 validation queries; the 75 test queries never seen). Zero-shot is evaluated with the SAME
 * SameDiff encoder and maximum length, so the comparison isolates the training. Runs only with
 * {@code SPARKTRAIN_BENCH=1}:
 * <pre>
 * SPARKTRAIN_BENCH=1 mvn -B -o -q -pl spark-jobs -am test -Dtest=CranfieldMiniLmBench \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dbench.maxLength=64 -Dbench.batch=16 -Dbench.steps=30
 * </pre>
 * Properties: {@code bench.maxLength} (WordPiece tokens of a document, [CLS]/[SEP] included; queries 32),
 * {@code bench.batch} (global batch of triples), {@code bench.workers} (default 2; 2 / workers native threads each), {@code bench.steps} (steps = the first steps x batch triples of the
 * shuffled list, one pass), {@code bench.lr} (Adam, default 2e-5), {@code bench.measure=true} (only time a 64-document
 * forward and 2 engine steps, to size a run), {@code bench.zeroShot=false} (skip the zero-shot row: the SameDiff forward
 * is deterministic, so a previous run's row at the same maximum length holds), {@code bench.checkpoint=<dir>} (no
 * training: evaluate the parameters of an engine checkpoint directory, e.g. of a run killed during its evaluation;
 * with {@code bench.zeroShotRun=<file>}, the zero-shot TREC run an earlier run wrote at the same maximum length,
 * {@code minilm-zero-shot.trec}, for the paired comparison without encoding again),
 * {@code bench.evalEvery=N} (checkpoint every N steps and score the VALIDATION nDCG@10 of each checkpoint's
 * parameters: a learning curve on the 30 validation queries; the test queries are scored only at the end, so they
 * drive no choice). Results: {@code target/cranfield-minilm/results.md} (rewritten after every row) and the TREC run
 * of the trained model on the test queries. With the zero-shot row, the end also prints the paired per-query
 * difference of test (and validation) nDCG@10, trained minus zero-shot ({@link #paired}).
 */
@ExtendWith(SharedSpark.class)
@EnabledIfEnvironmentVariable(named = "SPARKTRAIN_BENCH", matches = "1")
class CranfieldMiniLmBench {
    private static final String HEADER = "| system | val nDCG@10 | test nDCG@10 | test MRR@10 | test R@100 | time |\n"
            + "|---|---|---|---|---|---|\n";

    @Test
    void fineTuneTheTransformerWithTheAdaptiveMargin(SparkSession spark) throws Exception {
        int maxLength = Integer.getInteger("bench.maxLength", 64);
        int batch = Integer.getInteger("bench.batch", 16);
        int steps = Integer.getInteger("bench.steps", 30);
        double lr = Double.parseDouble(System.getProperty("bench.lr", "2e-5"));
        int workers = Integer.getInteger("bench.workers", 2);
        boolean measure = Boolean.getBoolean("bench.measure");
        boolean zeroShot = !"false".equals(System.getProperty("bench.zeroShot"));
        int evalEvery = Integer.getInteger("bench.evalEvery", 0);
        Path out = Path.of("target", "cranfield-minilm").toAbsolutePath();
        Files.createDirectories(out);
        Path results = out.resolve(measure ? "measure.md" : "results.md");

        BiencoderTraining.Collection c = CranfieldCollection.load();
        BiencoderDataConfig data = new BiencoderDataConfig("cranfield", null, null, 30, null, null, null, null, 32,
                maxLength, null, null);
        BiencoderTraining.Splits splits = BiencoderTraining.split(c, data);
        assertEquals(75, splits.test().size());
        assertEquals(120, splits.train().size());
        List<TrainingTriple> triples = BiencoderTraining.mine(c, splits.train(), data);

        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "Cranfield, minilm (SameDiff "
                        + "all-MiniLM-L6-v2, all 22,565,376 parameters trained), documents cut at %d tokens, queries at "
                        + "32; adaptive margin loss (no in-batch negatives); Adam lr %s; %d workers, global batch %d, %d "
                        + "steps = %d of %d BM25 triples of the 120 training queries%n%n", maxLength, lr, workers, batch, steps,
                steps * batch, triples.size()));
        if (measure) {
            List<String> texts = new ArrayList<>(c.documents().values()).subList(0, 64);
            long t0 = System.nanoTime();
            MiniLmSameDiffEncoder.load(maxLength).encode(texts, 32);
            report.append(String.format(Locale.ROOT, "forward of 64 documents (batches of 32): %.1f s%n",
                    (System.nanoTime() - t0) / 1e9));
            Files.writeString(results, report);
            steps = 2;
        } else {
            report.append(HEADER);
            report.append("| BM25 (Lucene, from the baselines) | - | 0.3772 | 0.5328 | 0.7649 | - |\n");
        }
        // one SameDiff encoder for every evaluation (zero-shot, validation curve, final): its weights are reassigned
        Evaluator eval = measure ? null : new Evaluator(c, splits, MiniLmSameDiffEncoder.load(maxLength));
        RetrievalMetrics.Summary[] zeroShotSummaries = null;
        if (!measure) {
            if (zeroShot) {
                report.append(eval.row("MiniLM zero-shot, SameDiff, same max length", 0,
                        out.resolve("minilm-zero-shot.trec")));
                zeroShotSummaries = eval.last;
            }
            Files.writeString(results, report);
            System.out.print(report);
        }

        String checkpoint = System.getProperty("bench.checkpoint");
        if (checkpoint != null) {
            // evaluate a finished run's parameters (the engine's params.f32: little-endian float32) without training
            byte[] bytes = Files.readAllBytes(Path.of(checkpoint, "params.f32"));
            float[] p = new float[bytes.length / 4];
            java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(p);
            String zeroShotRun = System.getProperty("bench.zeroShotRun");
            if (zeroShotSummaries == null && zeroShotRun != null) {
                zeroShotSummaries = eval.summaries(TrecRunFile.read(Path.of(zeroShotRun)));
            }
            eval.encoder.params().assign(Nd4j.create(p, new long[]{1, p.length}, 'c'));
            report.append(eval.row("**(c) self-distillation adaptive margin, minilm "
                    + "fine-tuned** (checkpoint " + Path.of(checkpoint).getFileName() + ")", 0,
                    out.resolve("minilm-adaptive.trec")));
            if (zeroShotSummaries != null) {
                report.append(paired("validation", eval.last[0], zeroShotSummaries[0]));
                report.append(paired("test", eval.last[1], zeroShotSummaries[1]));
            }
            Files.writeString(results, report);
            System.out.print(report);
            return;
        }
        EngineConfig engine = new EngineConfig(workers, "allreduce", 1, batch, 1, 42L, evalEvery, 1, 1, 2 / workers,
                1800, 120, 0);
        Dataset<Row> frame = BiencoderTraining.frame(spark, c, triples, MiniLmFiles.tokenizer(), data, batch,
                data.mineSeed()).filter(functions.col("id").lt((long) steps * batch)).cache();
        assertEquals((long) steps * batch, frame.count());
        MiniLmBiencoderFactory factory = new MiniLmBiencoderFactory(null, BiencoderLossConfig.adaptive(), 0);
        org.apache.hadoop.fs.Path runDir = new org.apache.hadoop.fs.Path(out.resolve("adaptive").toString());
        runDir.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(runDir, true);
        final int totalSteps = steps;
        StringBuilder curve = new StringBuilder();
        TrainingSpec spec = new TrainingSpec("minilm-adaptive", runDir.toString(), frame, "triples",
                BiencoderTraining.columns(data), factory, null, false, new TrainingListener() {
            private final long start = System.nanoTime();

            @Override
            public void onCheckpoint(org.sparktrain.engine.EngineState state, String path) {
                if (eval == null || evalEvery <= 0 || state.globalStep() >= totalSteps) {
                    return; // the end is evaluated below, on validation and test
                }
                // validation only (driver thread, between rounds: the worker is idle while the encoder runs)
                float[] p = state.evalParams();
                eval.encoder.params().assign(Nd4j.create(p, new long[]{1, p.length}, 'c'));
                long t0 = System.nanoTime();
                double val = eval.validationNdcg10();
                String line = String.format(Locale.ROOT, "validation curve: step %d val nDCG@10 %.4f (%.1f s, RSS %.0f MB)%n",
                        state.globalStep(), val, (System.nanoTime() - t0) / 1e9,
                        org.bytedeco.javacpp.Pointer.physicalBytes() / 1e6);
                curve.append(line);
                System.out.print(line);
                try {
                    Files.writeString(results, report.toString() + "\n" + curve);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public void onStep(long step, double lossSum, double weight, double[] stats) {
                // SameDiff returns fresh off-heap gradient arrays (~90 MB) at every backward; javacpp frees native
                // memory only when their Java objects are collected, so collect once per step (local Spark: the
                // workers share this JVM) instead of letting garbage grow to the 6 GB off-heap limit.
                System.gc();
                // resident size after the collection (javacpp reads it from /proc): flat from step to step unless
                // something keeps arrays alive (SameDiffBertEncoder's session memory once did)
                System.out.printf(Locale.ROOT, "step %d: loss %.5f, %.1f s since the start, RSS %.0f MB%n", step,
                        lossSum / weight, (System.nanoTime() - start) / 1e9,
                        org.bytedeco.javacpp.Pointer.physicalBytes() / 1e6);
            }
        }, null);
        TrainingResult result = new TrainingEngine(spark, engine, OptimizerConfig.of("adam", lr)).train(spec);
        String trained = String.format(Locale.ROOT, "training: %d steps in %.1f s (%.1f s per step)%n",
                result.state().globalStep(), result.trainSeconds(), result.trainSeconds() / result.state().globalStep());
        System.out.print(trained);
        if (measure) {
            Files.writeString(results, report.append(trained));
            return;
        }
        float[] p = result.evalParams();
        eval.encoder.params().assign(Nd4j.create(p, new long[]{1, p.length}, 'c'));
        report.append(eval.row("**(c) self-distillation adaptive margin, minilm fine-tuned**",
                result.trainSeconds(), out.resolve("minilm-adaptive.trec")));
        report.append("\n").append(trained).append(curve);
        if (zeroShotSummaries != null) {
            report.append(paired("validation", eval.last[0], zeroShotSummaries[0]));
            report.append(paired("test", eval.last[1], zeroShotSummaries[1]));
        }
        Files.writeString(results, report);
        System.out.print(report);
    }

    /**
     * Paired per-query comparison of nDCG@10, trained minus zero-shot: with d_q the difference on query q (n queries),
     * the mean d̄, its standard error s_d / sqrt(n), the wins/ties/losses, and the two-sided p-value of a sign-flip
     * randomisation test (the share of 100,000 random sign patterns ε_q = ±1 with |mean(ε_q d_q)| ≥ |d̄|, seed 1).
     */
    static String paired(String split, RetrievalMetrics.Summary trained, RetrievalMetrics.Summary start) {
        List<Double> d = new ArrayList<>();
        for (var e : trained.perQuery().entrySet()) {
            d.add(e.getValue()[1] - start.perQuery().get(e.getKey())[1]);
        }
        int n = d.size();
        double mean = d.stream().mapToDouble(Double::doubleValue).sum() / n;
        double ss = d.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
        double se = Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
        long wins = d.stream().filter(x -> x > 1e-12).count();
        long losses = d.stream().filter(x -> x < -1e-12).count();
        java.util.Random random = new java.util.Random(1);
        int extreme = 0;
        int draws = 100_000;
        for (int t = 0; t < draws; t++) {
            double sum = 0;
            for (double x : d) {
                sum += random.nextBoolean() ? x : -x;
            }
            if (Math.abs(sum / n) >= Math.abs(mean) - 1e-12) {
                extreme++;
            }
        }
        return String.format(Locale.ROOT, "paired %s nDCG@10, trained - zero-shot over %d queries: %+.4f +- %.4f "
                        + "(standard error), %d better / %d equal / %d worse, sign-flip p = %.3f%n", split, n, mean, se,
                wins, n - wins - losses, losses, (double) extreme / draws);
    }

    /** Exact top-100 retrieval with the SameDiff encoder's current weights; documents encoded sorted by length. */
    private static final class Evaluator {
        private final BiencoderTraining.Collection c;
        private final BiencoderTraining.Splits splits;
        private final MiniLmSameDiffEncoder encoder;
        /** Validation and test summaries of the last {@link #row} (per-query values for the paired comparison). */
        private RetrievalMetrics.Summary[] last;

        Evaluator(BiencoderTraining.Collection c, BiencoderTraining.Splits splits, MiniLmSameDiffEncoder encoder) {
            this.c = c;
            this.splits = splits;
            this.encoder = encoder;
        }

        /** Embeddings in input order; batches of 32 texts of similar length (less padding). */
        float[][] encode(List<String> texts) {
            Integer[] order = new Integer[texts.size()];
            int[] length = new int[texts.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
                length[i] = encoder.tokenizer().encode(texts.get(i), encoder.maxLength()).length;
            }
            java.util.Arrays.sort(order, Comparator.comparingInt(i -> length[i]));
            float[][] out = new float[texts.size()][];
            for (int from = 0; from < order.length; from += 32) {
                List<String> chunk = new ArrayList<>();
                int to = Math.min(order.length, from + 32);
                for (int k = from; k < to; k++) {
                    chunk.add(texts.get(order[k]));
                }
                float[][] e = encoder.encode(chunk);
                for (int k = from; k < to; k++) {
                    out[order[k]] = e[k - from];
                }
            }
            return out;
        }

        /** Validation and test metrics of a run. */
        RetrievalMetrics.Summary[] summaries(Run run) {
            return new RetrievalMetrics.Summary[]{
                    new RetrievalMetrics(c.qrels().restrictTo(new HashSet<>(splits.validation())), 1).evaluate(run),
                    new RetrievalMetrics(c.qrels().restrictTo(new HashSet<>(splits.test())), 1).evaluate(run)};
        }

        /** nDCG@10 of the validation queries only (all documents encoded; the test queries are not touched). */
        double validationNdcg10() {
            List<String> docIds = new ArrayList<>(c.documents().keySet());
            float[][] docs = encode(new ArrayList<>(c.documents().values()));
            List<String> queryIds = new ArrayList<>(splits.validation());
            float[][] queries = encode(queryIds.stream().map(c.queries()::get).toList());
            Run run = BiencoderTraining.retrieve(queries, queryIds, docs, docIds, 100);
            return new RetrievalMetrics(c.qrels().restrictTo(new HashSet<>(splits.validation())), 1).evaluate(run)
                    .ndcg10();
        }

        String row(String name, double trainSeconds, Path trec) throws Exception {
            long t0 = System.nanoTime();
            List<String> docIds = new ArrayList<>(c.documents().keySet());
            float[][] docs = encode(new ArrayList<>(c.documents().values()));
            List<String> queryIds = new ArrayList<>(splits.validation());
            queryIds.addAll(splits.test());
            float[][] queries = encode(queryIds.stream().map(c.queries()::get).toList());
            double encodeSeconds = (System.nanoTime() - t0) / 1e9;
            Run run = BiencoderTraining.retrieve(queries, queryIds, docs, docIds, 100);
            if (trec != null) {
                TrecRunFile.write(run, trec.getFileName().toString().replace(".trec", ""), trec);
            }
            last = summaries(run);
            RetrievalMetrics.Summary val = last[0];
            RetrievalMetrics.Summary test = last[1];
            return String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f | %s encode %.1f s |%n", name,
                    val.ndcg10(), test.ndcg10(), test.mrr10(), test.recall100(),
                    trainSeconds > 0 ? String.format(Locale.ROOT, "train %.1f s,", trainSeconds) : "", encodeSeconds);
        }
    }
}

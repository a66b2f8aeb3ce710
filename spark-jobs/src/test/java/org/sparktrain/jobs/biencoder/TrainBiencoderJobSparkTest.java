package org.sparktrain.jobs.biencoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.retrieval.encoder.PooledTextEncoder;
import org.sparktrain.retrieval.eval.RetrievalMetrics;
import org.sparktrain.retrieval.eval.Run;
import org.sparktrain.retrieval.eval.ScoredDoc;
import org.sparktrain.retrieval.eval.TrecRunFile;
import org.sparktrain.testing.SharedSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * {@code prepare} (Cranfield) then {@code train-biencoder} through the CLI with the shipped config, shrunk to one
 * short epoch: the run writes eval.json and a TREC run of the 75 test queries, and the saved model, loaded in this
 * JVM without Spark, reproduces the run's test metrics and run file.
 */
@ExtendWith(SharedSpark.class)
class TrainBiencoderJobSparkTest {
    /** The prepared Cranfield collection, shared by the tests of this class (prepared once). */
    @TempDir
    static Path shared;
    private static Path prepared;

    private static synchronized Path prepared() throws java.io.IOException {
        if (prepared == null) {
            prepared = CranfieldFixture.prepare(shared);
        }
        return prepared;
    }

    /** The shipped config on the prepared collection, shrunk (batch 64, one triple per positive, 64 tokens). */
    private static List<String> train(Path dir, String runId, String... more) throws java.io.IOException {
        return CranfieldFixture.trainBiencoder(List.of("data.dataset=" + prepared(), "output=" + dir.resolve("runs"),
                "runId=" + runId, "engine.batchSize=64", "data.negativesPerPositive=1", "data.maxDocumentLength=64"),
                more);
    }
    @Test
    void trainsOnCranfieldAndTheSavedModelServesInAPlainJvm(SparkSession spark, @TempDir Path dir) throws Exception {
        StringBuilder log = new StringBuilder();
        Path prepared = prepared();
        assertEquals(0, cli(train(dir, "tiny", "engine.epochs=1", "engine.logEvery=10"), log), log.toString());

        Path run = dir.resolve("runs").resolve("tiny");
        JsonNode eval = new ObjectMapper().readTree(run.resolve("eval.json").toFile());
        assertEquals(75, eval.get("test").get("queries").asInt());
        assertEquals(30, eval.get("validation").get("queries").asInt());
        assertTrue(eval.get("test").get("ndcg10").asDouble() > 0.05, eval.toString());
        assertTrue(eval.get("triples").asLong() % 64 == 0);

        PooledTextEncoder model = PooledTextEncoder.load(run.resolve("model"));
        BiencoderTraining.Collection c = BiencoderTraining.load(spark, prepared.toString());
        BiencoderDataConfig d = BiencoderDataConfig.of("x").withValidationQueries(30);
        BiencoderTraining.Splits splits = BiencoderTraining.split(c, d);
        RetrievalMetrics.Summary s = BiencoderTraining.evaluate(model, c, splits.test(), 1);
        assertEquals(eval.get("test").get("ndcg10").asDouble(), s.ndcg10(), 1e-12);
        assertEquals(eval.get("test").get("recall100").asDouble(), s.recall100(), 1e-12);
        Run written = TrecRunFile.read(run.resolve("test.trec"));
        Run again = BiencoderTraining.retrieve(model, c, splits.test(), TrainBiencoderJob.RUN_DEPTH);
        for (String q : splits.test()) {
            assertEquals(again.ranking(q).get(0).docId(), written.ranking(q).get(0).docId(), "query " + q);
        }

        // evaluate-retrieval: the same model, corpus encoded on Spark partitions, distributed exact search
        assertEquals(0, cli(List.of("evaluate-retrieval", "--config", Files.writeString(dir.resolve("eval.yaml"),
                "model: " + run.resolve("model") + "\ndata:\n  dataset: " + prepared
                        + "\n  validationQueries: 30\nqueries: test\nout: " + dir.resolve("eval") + "\n").toString()), log),
                log.toString());
        JsonNode distributed = new ObjectMapper().readTree(dir.resolve("eval").resolve("test-eval.json").toFile());
        assertEquals(75, distributed.get("evaluatedQueries").asInt());
        assertEquals(s.ndcg10(), distributed.get("ndcg10").asDouble(), 1e-6);
        assertEquals(s.recall100(), distributed.get("recall100").asDouble(), 1e-6);
        assertTrue(Files.exists(dir.resolve("eval").resolve("test.trec")));

        // encode (Parquet embeddings on Spark partitions) then search: the same run as evaluate-retrieval
        assertEquals(0, cli(List.of("encode", "--config", Files.writeString(dir.resolve("encode.yaml"),
                "model: " + run.resolve("model") + "\ndataset: " + prepared + "\npartitions: 3\nout: "
                        + dir.resolve("embeddings") + "\n").toString()), log), log.toString());
        assertEquals(1400, spark.read().parquet(dir.resolve("embeddings").toString()).count());
        assertEquals(0, cli(List.of("search", "--config", Files.writeString(dir.resolve("search.yaml"),
                "model: " + run.resolve("model") + "\nembeddings: " + dir.resolve("embeddings") + "\ndata:\n  dataset: "
                        + prepared + "\n  validationQueries: 30\nqueries: test\nk: 100\nout: "
                        + dir.resolve("search.trec") + "\n").toString()), log), log.toString());
        Run searched = TrecRunFile.read(dir.resolve("search.trec"));
        Run evaluated = TrecRunFile.read(dir.resolve("eval").resolve("test.trec"));
        assertEquals(75, searched.queryIds().size());
        // the same ranking up to float rounding (the corpus is encoded in other batches): score at every rank and
        // score of every document found by both within 1e-5 (near-ties may swap places)
        int common = 0;
        for (String q : splits.test()) {
            List<ScoredDoc> a = searched.ranking(q);
            List<ScoredDoc> b = evaluated.ranking(q);
            assertEquals(b.size(), a.size(), "query " + q);
            java.util.Map<String, Double> bScores = new java.util.HashMap<>();
            for (int r = 0; r < a.size(); r++) {
                assertEquals(b.get(r).score(), a.get(r).score(), 1e-5, "query " + q + " rank " + (r + 1));
                bScores.put(b.get(r).docId(), b.get(r).score());
            }
            for (ScoredDoc doc : a) {
                if (bScores.containsKey(doc.docId())) {
                    assertEquals(bScores.get(doc.docId()), doc.score(), 1e-5, "query " + q + " doc " + doc.docId());
                    common++;
                }
            }
        }
        assertTrue(common >= 75 * 99, "documents found by both runs: " + common);
    }

    /**
     * {@code selection.metric: validation-ndcg10}: the run evaluates every 5 steps and at epoch ends, and the saved
     * model is the curve's best point: its validation nDCG@10, recomputed from the loaded model in this JVM, equals
     * the curve's maximum, at the step eval.json names; metrics.jsonl holds the same curve.
     */
    @Test
    void selectionSavesTheModelOfTheBestValidationStep(SparkSession spark, @TempDir Path dir) throws Exception {
        StringBuilder log = new StringBuilder();
        Path prepared = prepared();
        assertEquals(0, cli(train(dir, "selected", "engine.epochs=2", "optimizer.type=adam",
                "optimizer.learningRate=0.01", "selection.metric=validation-ndcg10", "selection.everySteps=5"), log),
                log.toString());

        Path run = dir.resolve("runs").resolve("selected");
        JsonNode eval = new ObjectMapper().readTree(run.resolve("eval.json").toFile());
        JsonNode selection = eval.get("selection");
        long steps = eval.get("steps").asLong();
        long stepsPerEpoch = steps / 2;
        long bestStep = -1;
        double best = Double.NEGATIVE_INFINITY;
        long previous = 0;
        for (JsonNode p : selection.get("curve")) {
            long step = p.get("step").asLong();
            assertTrue(step > previous, selection.toString());
            assertTrue(step % 5 == 0 || step % stepsPerEpoch == 0, "evaluated at step " + step);
            previous = step;
            if (p.get("ndcg10").asDouble() > best) {
                best = p.get("ndcg10").asDouble();
                bestStep = step;
            }
        }
        assertEquals(steps, previous, "the last step is evaluated");
        assertTrue(selection.get("curve").size() >= (int) (steps / 5), selection.toString());
        assertEquals(bestStep, selection.get("step").asLong());
        assertEquals(best, selection.get("ndcg10").asDouble(), 0);
        assertEquals(best, eval.get("validation").get("ndcg10").asDouble(), 1e-12);

        PooledTextEncoder model = PooledTextEncoder.load(run.resolve("model"));
        BiencoderTraining.Collection c = BiencoderTraining.load(spark, prepared.toString());
        BiencoderTraining.Splits splits = BiencoderTraining.split(c, BiencoderDataConfig.of("x").withValidationQueries(30));
        assertEquals(best, BiencoderTraining.evaluate(model, c, splits.validation(), 1).ndcg10(), 1e-12);
        assertEquals(eval.get("test").get("ndcg10").asDouble(),
                BiencoderTraining.evaluate(model, c, splits.test(), 1).ndcg10(), 1e-12);

        List<JsonNode> records = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode r = new ObjectMapper().readTree(line);
            if ("validation".equals(r.path("type").asText())) {
                records.add(r);
            }
        }
        assertEquals(selection.get("curve").size(), records.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(selection.get("curve").get(i).get("step").asLong(), records.get(i).get("step").asLong());
            assertEquals(selection.get("curve").get(i).get("ndcg10").asDouble(), records.get(i).get("ndcg10").asDouble(), 0);
        }
        assertTrue(Files.exists(run.resolve(TrainBiencoderJob.SELECTION_JSON)));
        assertTrue(Files.exists(run.resolve(TrainBiencoderJob.SELECTION_PARAMS)));
        assertTrue(log.toString().contains("(best validation nDCG@10)"), log.toString());
    }
}

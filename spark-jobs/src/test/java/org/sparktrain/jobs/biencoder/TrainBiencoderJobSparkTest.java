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
    @Test
    void trainsOnCranfieldAndTheSavedModelServesInAPlainJvm(SparkSession spark, @TempDir Path dir) throws Exception {
        Path cranfield = Path.of(System.getProperty("sparktrain.shared.dir", "../../shared"), "data", "cranfield");
        StringBuilder log = new StringBuilder();
        Path prepare = Files.writeString(dir.resolve("prepare.yaml"), "source: cranfield\ndir: " + cranfield.toAbsolutePath()
                + "\nname: cranfield\noutput: " + dir.resolve("prepared") + "\n");
        assertEquals(0, cli(List.of("prepare", "--config", prepare.toString()), log), log.toString());
        assertEquals(0, cli(List.of("train-biencoder", "--config",
                Path.of("..", "deploy", "configs", "train-biencoder-cranfield.yaml").toString(),
                "--set", "data.dataset=" + dir.resolve("prepared"), "--set", "output=" + dir.resolve("runs"),
                "--set", "runId=tiny", "--set", "engine.epochs=1", "--set", "engine.batchSize=64",
                "--set", "data.negativesPerPositive=1", "--set", "data.maxDocumentLength=64",
                "--set", "engine.logEvery=10"), log), log.toString());

        Path run = dir.resolve("runs").resolve("tiny");
        JsonNode eval = new ObjectMapper().readTree(run.resolve("eval.json").toFile());
        assertEquals(75, eval.get("test").get("queries").asInt());
        assertEquals(30, eval.get("validation").get("queries").asInt());
        assertTrue(eval.get("test").get("ndcg10").asDouble() > 0.05, eval.toString());
        assertTrue(eval.get("triples").asLong() % 64 == 0);

        PooledTextEncoder model = PooledTextEncoder.load(run.resolve("model"));
        BiencoderTraining.Collection c = BiencoderTraining.load(spark, dir.resolve("prepared").toString());
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
                "model: " + run.resolve("model") + "\ndata:\n  dataset: " + dir.resolve("prepared")
                        + "\n  validationQueries: 30\nqueries: test\nout: " + dir.resolve("eval") + "\n").toString()), log),
                log.toString());
        JsonNode distributed = new ObjectMapper().readTree(dir.resolve("eval").resolve("test-eval.json").toFile());
        assertEquals(75, distributed.get("evaluatedQueries").asInt());
        assertEquals(s.ndcg10(), distributed.get("ndcg10").asDouble(), 1e-6);
        assertEquals(s.recall100(), distributed.get("recall100").asDouble(), 1e-6);
        assertTrue(Files.exists(dir.resolve("eval").resolve("test.trec")));

        // encode (Parquet embeddings on Spark partitions) then search: the same run as evaluate-retrieval
        assertEquals(0, cli(List.of("encode", "--config", Files.writeString(dir.resolve("encode.yaml"),
                "model: " + run.resolve("model") + "\ndataset: " + dir.resolve("prepared") + "\npartitions: 3\nout: "
                        + dir.resolve("embeddings") + "\n").toString()), log), log.toString());
        assertEquals(1400, spark.read().parquet(dir.resolve("embeddings").toString()).count());
        assertEquals(0, cli(List.of("search", "--config", Files.writeString(dir.resolve("search.yaml"),
                "model: " + run.resolve("model") + "\nembeddings: " + dir.resolve("embeddings") + "\ndata:\n  dataset: "
                        + dir.resolve("prepared") + "\n  validationQueries: 30\nqueries: test\nk: 100\nout: "
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
}

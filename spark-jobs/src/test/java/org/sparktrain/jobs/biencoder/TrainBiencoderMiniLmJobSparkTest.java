package org.sparktrain.jobs.biencoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.retrieval.encoder.HeadTextEncoder;
import org.sparktrain.retrieval.encoder.MiniLmSameDiffEncoder;
import org.sparktrain.retrieval.encoder.ParamsFile;
import org.sparktrain.retrieval.encoder.SavedEncoder;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.eval.Run;
import org.sparktrain.retrieval.eval.TrecRunFile;
import org.sparktrain.testing.SharedSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * {@code train-biencoder} with the transformer encoders through the CLI, on a small BEIR cut of the real Cranfield
 * collection ({@link CranfieldFixture#small}: 16 queries, 118 documents): {@code minilm} (all 22.5M parameters in
 * SameDiff, 1 worker, with validation model selection) and {@code minilm-head} (2 workers) (head on frozen ONNX MiniLM). Each
 * saved model loads in this JVM through {@link SavedEncoder} without Spark and reproduces the run's metrics; the
 * {@code encode} / {@code search} and {@code evaluate-retrieval} jobs serve it.
 */
@ExtendWith(SharedSpark.class)
class TrainBiencoderMiniLmJobSparkTest {
    private static final String SMALL = "data.testQueries=4";
    /** The small collection, shared by the tests of this class (prepared once). */
    @TempDir
    static Path shared;
    private static Path small;

    private static synchronized Path small(SparkSession spark) throws java.io.IOException {
        if (small == null) {
            small = CranfieldFixture.small(spark, CranfieldFixture.prepare(shared), shared, 16, 60);
        }
        return small;
    }

    private static List<String> train(Path dataset, Path runs, String runId, String encoder, String... more) {
        return CranfieldFixture.trainBiencoder(List.of("encoder=" + encoder, "data.dataset=" + dataset,
                "output=" + runs, "runId=" + runId, SMALL, "data.validationQueries=4", "data.negativesPerPositive=2",
                "data.maxQueryLength=16", "data.maxDocumentLength=32", "engine.batchSize=8", "engine.logEvery=2",
                "optimizer.type=adam"), // Adam at the rates the tests set (the shipped default is dog)
                more);
    }

    private static BiencoderTraining.Splits splits(BiencoderTraining.Collection c) {
        return BiencoderTraining.split(c, new BiencoderDataConfig("x", null, 4, 4, null, null, null, null, null, null,
                null));
    }

    @Test
    void minilmTrainsEveryParameterAndTheSelectedModelServes(SparkSession spark, @TempDir Path dir) throws Exception {
        Path small = small(spark);
        StringBuilder log = new StringBuilder();
        // one worker: a 2-worker allreduce of the 22.5M-parameter gradient is covered on a tiny BERT
        // (BertBiencoderEngineSparkTest); here it would only add two 90 MB messages per step to the test JVM's heap
        assertEquals(0, cli(train(small, dir.resolve("runs"), "minilm", "minilm", "engine.epochs=1", "engine.workers=1",
                "optimizer.learningRate=1e-4", "selection.metric=validation-ndcg10", "selection.everySteps=2"), log),
                log.toString());
        Path run = dir.resolve("runs").resolve("minilm");
        JsonNode eval = new ObjectMapper().readTree(run.resolve("eval.json").toFile());
        assertEquals("minilm", eval.get("encoder").asText());
        assertEquals(4, eval.get("test").get("queries").asInt());
        assertTrue(eval.get("steps").asLong() >= 2, eval.toString());
        long selected = eval.get("selection").get("step").asLong();
        assertTrue(selected >= 2, "a trained point is selected: " + eval);

        BiencoderTraining.Collection c = BiencoderTraining.load(spark, small.toString());
        BiencoderTraining.Splits splits = splits(c);
        TextEncoder model = SavedEncoder.load(run.resolve("model"));
        assertInstanceOf(MiniLmSameDiffEncoder.class, model);
        assertEquals(32, ((MiniLmSameDiffEncoder) model).maxLength());
        // the saved point is the best validation point of the curve, and it reproduces the run's test metrics
        assertEquals(eval.get("selection").get("ndcg10").asDouble(),
                BiencoderTraining.evaluate(model, c, splits.validation(), 1).ndcg10(), 1e-9);
        assertEquals(eval.get("test").get("ndcg10").asDouble(),
                BiencoderTraining.evaluate(model, c, splits.test(), 1).ndcg10(), 1e-9);
        // every tensor can move: the fine-tuned weights differ from the pretrained ones
        float[] tuned = ((MiniLmSameDiffEncoder) model).params().toFloatVector();
        float[] pretrained = MiniLmSameDiffEncoder.load(32).params().toFloatVector();
        assertEquals(22_565_376, tuned.length);
        int changed = 0;
        for (int i = 0; i < tuned.length; i++) {
            if (tuned[i] != pretrained[i]) {
                changed++;
            }
        }
        assertTrue(changed > tuned.length / 10, changed + " of " + tuned.length + " parameters changed");

        // evaluate-retrieval serves the saved transformer (corpus encoded on Spark partitions)
        assertEquals(0, cli(List.of("evaluate-retrieval", "--config", Files.writeString(dir.resolve("eval.yaml"),
                "model: " + run.resolve("model") + "\ndata:\n  dataset: " + small + "\n  testQueries: 4\n"
                        + "  validationQueries: 4\nqueries: test\nout: " + dir.resolve("eval") + "\n").toString()), log),
                log.toString());
        JsonNode distributed = new ObjectMapper().readTree(dir.resolve("eval").resolve("test-eval.json").toFile());
        assertEquals(eval.get("test").get("ndcg10").asDouble(), distributed.get("ndcg10").asDouble(), 1e-6);
    }

    @Test
    void minilmHeadStartsAtZeroShotTrainsAndServesThroughEncodeAndSearch(SparkSession spark, @TempDir Path dir)
            throws Exception {
        Path small = small(spark);
        StringBuilder log = new StringBuilder();
        assertEquals(0, cli(train(small, dir.resolve("runs"), "head", "minilm-head", "engine.epochs=3",
                "optimizer.learningRate=1e-2"), log), log.toString());
        Path run = dir.resolve("runs").resolve("head");
        JsonNode eval = new ObjectMapper().readTree(run.resolve("eval.json").toFile());
        assertEquals("minilm-head", eval.get("encoder").asText());
        assertTrue(log.toString().contains("encoder minilm-head"), log.toString());

        BiencoderTraining.Collection c = BiencoderTraining.load(spark, small.toString());
        BiencoderTraining.Splits splits = splits(c);
        TextEncoder model = SavedEncoder.load(run.resolve("model"));
        assertInstanceOf(HeadTextEncoder.class, model);
        assertEquals(eval.get("test").get("ndcg10").asDouble(),
                BiencoderTraining.evaluate(model, c, splits.test(), 1).ndcg10(), 1e-9);
        float[] head = ParamsFile.read(run.resolve("model").resolve("head.bin"));
        assertEquals(384 * 384 + 384, head.length);
        double norm = 0;
        for (float h : head) {
            norm += h * h;
        }
        assertTrue(norm > 1e-6, "training moved the head from W = 0, c = 0: |theta|^2 = " + norm);

        // encode (Parquet embeddings on Spark partitions) then search: the run the loaded model retrieves
        assertEquals(0, cli(List.of("encode", "--config", Files.writeString(dir.resolve("encode.yaml"),
                "model: " + run.resolve("model") + "\ndataset: " + small + "\npartitions: 2\nout: "
                        + dir.resolve("embeddings") + "\n").toString()), log), log.toString());
        assertEquals(c.documents().size(), spark.read().parquet(dir.resolve("embeddings").toString()).count());
        assertEquals(0, cli(List.of("search", "--config", Files.writeString(dir.resolve("search.yaml"),
                "model: " + run.resolve("model") + "\nembeddings: " + dir.resolve("embeddings") + "\ndata:\n  dataset: "
                        + small + "\n  testQueries: 4\n  validationQueries: 4\nqueries: test\nk: 10\nout: "
                        + dir.resolve("search.trec") + "\n").toString()), log), log.toString());
        Run searched = TrecRunFile.read(dir.resolve("search.trec"));
        Run local = BiencoderTraining.retrieve(model, c, splits.test(), 10);
        assertEquals(4, searched.queryIds().size());
        for (String q : splits.test()) {
            for (int r = 0; r < 10; r++) {
                assertEquals(local.ranking(q).get(r).score(), searched.ranking(q).get(r).score(), 1e-5,
                        "query " + q + " rank " + (r + 1));
            }
        }
    }
}

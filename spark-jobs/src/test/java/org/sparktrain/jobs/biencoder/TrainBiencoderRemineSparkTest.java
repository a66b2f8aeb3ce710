package org.sparktrain.jobs.biencoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.config.ConfigLoader;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.jobs.RunDirectory;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.PooledEncoder;
import org.sparktrain.retrieval.encoder.PooledTextEncoder;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.encoder.WordPieceTokenizer;
import org.sparktrain.retrieval.train.TrainingTriple;
import org.sparktrain.testing.SharedSpark;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * {@code data.remineEvery: 1} of {@code train-biencoder} (ANCE-style re-mining, {@link Remining}) through the CLI on
 * a small BEIR cut of the real Cranfield collection ({@link CranfieldFixture#small}: 24 queries, 4 of them test),
 * two epochs = two rounds, against independent computations:
 * <ul>
 *   <li>round 0 is exactly the first epoch of the same run without re-mining (same checkpoint parameters);</li>
 *   <li>the negatives of round 1 equal an independent mining ({@code data.triples: model}, same seed) with the
 *       parameters round 0 ended at, differ from round 0's by the count the run logged, and never hold a judged
 *       positive;</li>
 *   <li>round 1 continues from round 0's checkpoint with its optimizer state: resuming the plain run's epoch-1
 *       checkpoint on the round-1 triples gives the same final parameters, while the same resume with Adam's
 *       moments zeroed (or not re-mining) gives others.</li>
 * </ul>
 */
@ExtendWith(SharedSpark.class)
class TrainBiencoderRemineSparkTest {
    @TempDir
    static Path shared;
    private static Path small;

    private static synchronized Path small(SparkSession spark) throws java.io.IOException {
        if (small == null) {
            small = CranfieldFixture.small(spark, CranfieldFixture.prepare(shared), shared, 24, 80);
        }
        return small;
    }

    private static List<String> train(Path dataset, Path runs, String runId, String encoder, String... more) {
        return CranfieldFixture.trainBiencoder(List.of("encoder=" + encoder, "data.dataset=" + dataset,
                "output=" + runs, "runId=" + runId, "data.testQueries=4", "data.validationQueries=0",
                "data.negativesPerPositive=2", "data.bm25Depth=20", "data.maxQueryLength=16",
                "data.maxDocumentLength=32", "data.triples=model", "engine.batchSize=8", "engine.epochs=2",
                "engine.checkpointEvery=0", "engine.keepCheckpoints=3", "engine.logEvery=4",
                "optimizer.type=adam"), more); // Adam at the rates the tests set (the shipped default is dog)
    }

    @Test
    void pooledRoundTwoTrainsOnNegativesOfTheRoundOneModelAndContinuesItsOptimizer(SparkSession spark,
                                                                                   @TempDir Path dir) throws Exception {
        Path dataset = small(spark);
        Path runs = dir.resolve("runs");
        StringBuilder log = new StringBuilder();
        assertEquals(0, cli(train(dataset, runs, "plain", "pooled", "optimizer.learningRate=0.01"), log),
                log.toString());
        assertEquals(0, cli(train(dataset, runs, "remine", "pooled", "optimizer.learningRate=0.01",
                "data.remineEvery=1"), log), log.toString());
        Path plain = runs.resolve("plain");
        Path remine = runs.resolve("remine");
        JsonNode eval = new ObjectMapper().readTree(remine.resolve("eval.json").toFile());
        long steps = eval.get("steps").asLong();
        long stepsPerEpoch = steps / 2;
        assertEquals(steps, stepsPerEpoch * 2);
        assertEquals(steps, new ObjectMapper().readTree(plain.resolve("eval.json").toFile()).get("steps").asLong());

        // round 0 = the first epoch of the plain run (bit for bit: stopping at the epoch keeps the schedule)
        float[] roundOneStart = params(remine, stepsPerEpoch);
        assertArrayEquals(params(plain, stepsPerEpoch), roundOneStart);

        TrainBiencoderConfig cfg = ConfigLoader.bind(ConfigLoader.parse(Files.readString(remine.resolve("config.yaml")),
                "config.yaml"), TrainBiencoderConfig.class, "config.yaml");
        BiencoderTraining.Collection c = BiencoderTraining.load(spark, dataset.toString());
        BiencoderTraining.Splits splits = BiencoderTraining.split(c, cfg.data());
        byte[] tokenizerJson = MiniLmArtifact.read(null, MiniLmFiles.TOKENIZER);
        String tablePath = remine.resolve("token-embeddings.bin").toString();
        PooledEncoder encoder = new PooledEncoder(BiencoderFactory.table(tablePath));
        TextEncoder roundOneModel = new PooledTextEncoder(encoder, tokenizerJson, roundOneStart,
                cfg.data().maxDocumentLength());
        List<TrainingTriple> independent = BiencoderTraining.trainingData(c, splits, cfg.data().withTriples("model"),
                Map.of(), roundOneModel).triples();

        List<TrainingTriple> round0 = Remining.read(RunDirectory.at(remine.toString(), new Configuration()), 0);
        List<TrainingTriple> round1 = Remining.read(RunDirectory.at(remine.toString(), new Configuration()), 1);
        assertEquals(independent, round1);
        assertEquals(round0.size(), round1.size());
        int changed = newTriples(round0, round1);
        assertTrue(changed > 0, "no negative changed");
        JsonNode remined = eval.get("remining").get("remined").get(0);
        assertEquals(1, eval.get("remining").get("everyEpochs").asInt());
        assertEquals(2, eval.get("remining").get("rounds").asInt());
        assertEquals(1, remined.get("round").asInt());
        assertEquals(stepsPerEpoch, remined.get("step").asLong());
        assertEquals(round1.size(), remined.get("triples").asInt());
        assertEquals(changed, remined.get("changed").asInt());
        assertEquals(1, Files.readAllLines(remine.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"remine\"") && l.contains("\"changed\":" + changed)).count());
        assertTrue(log.toString().contains("re-mined negatives after epoch 1 (step " + stepsPerEpoch + ")")
                && log.toString().contains(changed + " of " + round1.size() + " triples changed"), log.toString());
        assertNoJudgedNegative(c, splits, round0, cfg.data().minRelevance());
        assertNoJudgedNegative(c, splits, round1, cfg.data().minRelevance());

        // round 1 = the plain run's epoch-1 checkpoint (parameters + Adam moments) resumed on the round-1 triples
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromTokenizerJson(new ByteArrayInputStream(tokenizerJson),
                MiniLmFiles.TOKENIZER);
        var frame = BiencoderTraining.frame(spark, c, round1, tokenizer, cfg.data(), cfg.engine().batchSize(),
                cfg.data().mineSeed());
        Path copy = dir.resolve("resumed");
        Files.createDirectories(copy.resolve("checkpoints"));
        copyTree(plain.resolve("checkpoints").resolve(step(stepsPerEpoch)),
                copy.resolve("checkpoints").resolve(step(stepsPerEpoch)));
        BiencoderFactory factory = new BiencoderFactory(tablePath, cfg.loss(), tokenizer.padId());
        TrainingEngine engine = new TrainingEngine(spark, cfg.engine(), cfg.optimizer());
        TrainingResult resumed = engine.train(new TrainingSpec("resumed", copy.toString(), frame, "round 1",
                BiencoderTraining.columns(cfg.data()), factory, null, true, null, null));
        float[] remineEnd = params(remine, steps);
        assertEquals(steps, resumed.state().globalStep());
        assertArrayEquals(resumed.evalParams(), remineEnd, 1e-6f);
        // the same resume with the optimizer state zeroed (Adam's moments reset) ends elsewhere: the state was kept
        Path reset = dir.resolve("reset");
        Files.createDirectories(reset.resolve("checkpoints"));
        Path resetCheckpoint = reset.resolve("checkpoints").resolve(step(stepsPerEpoch));
        copyTree(plain.resolve("checkpoints").resolve(step(stepsPerEpoch)), resetCheckpoint);
        Path updater = resetCheckpoint.resolve("updater.f32");
        Files.write(updater, new byte[(int) Files.size(updater)]);
        Files.deleteIfExists(resetCheckpoint.resolve(".updater.f32.crc")); // Hadoop's checksum of the old bytes
        TrainingResult fresh = engine.train(new TrainingSpec("reset", reset.toString(), frame, "round 1",
                BiencoderTraining.columns(cfg.data()), factory, null, true, null, null));
        assertEquals(steps, fresh.state().globalStep());
        assertTrue(maxAbsDiff(fresh.evalParams(), remineEnd) > 1e-4, "reset Adam moments give the same parameters");
        // and the plain run (old negatives in epoch 2) ends elsewhere too
        assertTrue(maxAbsDiff(params(plain, steps), remineEnd) > 1e-4, "re-mining changed nothing");
    }

    @Test
    void minilmHeadRemines(SparkSession spark, @TempDir Path dir) throws Exception {
        Path dataset = small(spark);
        Path runs = dir.resolve("runs");
        StringBuilder log = new StringBuilder();
        assertEquals(0, cli(train(dataset, runs, "head", "minilm-head", "optimizer.learningRate=0.01",
                "data.remineEvery=1"), log), log.toString());
        Path run = runs.resolve("head");
        JsonNode eval = new ObjectMapper().readTree(run.resolve("eval.json").toFile());
        long stepsPerEpoch = eval.get("steps").asLong() / 2;
        TrainBiencoderConfig cfg = ConfigLoader.bind(ConfigLoader.parse(Files.readString(run.resolve("config.yaml")),
                "config.yaml"), TrainBiencoderConfig.class, "config.yaml");
        BiencoderTraining.Collection c = BiencoderTraining.load(spark, dataset.toString());
        BiencoderTraining.Splits splits = BiencoderTraining.split(c, cfg.data());
        HeadBiencoderModel model = new HeadBiencoderModel(spark, null, MiniLmArtifact.read(null, MiniLmFiles.TOKENIZER),
                cfg.data().maxDocumentLength(), 2, c);
        List<TrainingTriple> independent = BiencoderTraining.trainingData(c, splits, cfg.data().withTriples("model"),
                Map.of(), model.encoder(params(run, stepsPerEpoch))).triples();
        List<TrainingTriple> round0 = Remining.read(RunDirectory.at(run.toString(), new Configuration()), 0);
        List<TrainingTriple> round1 = Remining.read(RunDirectory.at(run.toString(), new Configuration()), 1);
        assertEquals(independent, round1);
        int changed = newTriples(round0, round1);
        assertTrue(changed > 0, "no negative changed");
        assertEquals(changed, eval.get("remining").get("remined").get(0).get("changed").asInt());
        assertNoJudgedNegative(c, splits, round1, cfg.data().minRelevance());
        // round 0 mined with the frozen MiniLM (W = 0, c = 0)
        assertEquals(round0, BiencoderTraining.trainingData(c, splits, cfg.data().withTriples("model"), Map.of(),
                model.encoder(model.initialParams())).triples());
        assertNotEquals(round0, round1);
    }

    /** Triples of {@code after} left over once each is matched with an equal unmatched triple of {@code before}. */
    private static int newTriples(List<TrainingTriple> before, List<TrainingTriple> after) {
        List<TrainingTriple> unmatched = new ArrayList<>(before);
        int n = 0;
        for (TrainingTriple t : after) {
            n += unmatched.remove(t) ? 0 : 1;
        }
        return n;
    }

    private static void assertNoJudgedNegative(BiencoderTraining.Collection c, BiencoderTraining.Splits splits,
                                               List<TrainingTriple> triples, int minRelevance) {
        Set<String> train = new HashSet<>(splits.train());
        for (TrainingTriple t : triples) {
            assertTrue(train.contains(t.queryId()), "not a training query: " + t);
            assertTrue(c.qrels().judgments(t.queryId()).getOrDefault(t.positiveId(), 0) >= minRelevance, t.toString());
            assertTrue(c.qrels().judgments(t.queryId()).getOrDefault(t.negativeId(), 0) < minRelevance,
                    "judged positive as negative: " + t);
        }
    }

    private static String step(long step) {
        return String.format("step-%09d", step);
    }

    /** The parameters of a run's checkpoint (params.f32, little-endian float32). */
    private static float[] params(Path run, long step) throws java.io.IOException {
        byte[] bytes = Files.readAllBytes(run.resolve("checkpoints").resolve(step(step)).resolve("params.f32"));
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }
}

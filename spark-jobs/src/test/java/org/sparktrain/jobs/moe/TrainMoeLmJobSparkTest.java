package org.sparktrain.jobs.moe;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.testing.SharedSpark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * {@code train-moe} with the shipped language-model config (deploy/configs/train-moe-lm-cranfield.yaml), shrunk by
 * {@code --set}, end to end through the CLI on a small generated corpus prepared with {@code prepare text-lines}:
 * the model learns the corpus' word order (held-out perplexity far below the unigram model of the training
 * documents, computed here independently), logs perplexity and MaxVio per step and per epoch, counts every
 * held-out token K times in the validation loads, and saves vocabulary and biases (multiples of u).
 */
@ExtendWith(SharedSpark.class)
class TrainMoeLmJobSparkTest {
    static final String[] SUBJECTS = {"the flow", "the wing", "a plate", "the shock", "the boundary layer"};
    static final String[] VERBS = {"is computed at mach", "was measured at mach", "separates near mach"};
    static final String[] NUMBERS = {"2", "3", "5", "8"};

    /** Documents of 3 to 6 sentences "SUBJECT VERB NUMBER ." (seeded): the next word is mostly determined. */
    static List<String> corpus(int documents) {
        Random rng = new Random(7);
        List<String> docs = new ArrayList<>();
        for (int d = 0; d < documents; d++) {
            StringBuilder s = new StringBuilder();
            int sentences = 3 + rng.nextInt(4);
            for (int k = 0; k < sentences; k++) {
                s.append(SUBJECTS[rng.nextInt(SUBJECTS.length)]).append(' ').append(VERBS[rng.nextInt(VERBS.length)])
                        .append(' ').append(NUMBERS[rng.nextInt(NUMBERS.length)]).append(" . ");
            }
            docs.add(s.toString().trim());
        }
        return docs;
    }

    /** Perplexity of the held-out documents (position multiple of 10) under the unigram model of the others. */
    static double unigramPerplexity(List<String> docs) {
        Map<String, Integer> counts = new HashMap<>();
        long total = 0;
        for (int d = 0; d < docs.size(); d++) {
            if (d % 10 != 0) {
                for (String w : WordVocabulary.tokenize(docs.get(d))) {
                    counts.merge(w, 1, Integer::sum);
                    total++;
                }
                counts.merge(WordVocabulary.END, 1, Integer::sum);
                total++;
            }
        }
        double nll = 0;
        long n = 0;
        for (int d = 0; d < docs.size(); d += 10) {
            List<String> words = new ArrayList<>(WordVocabulary.tokenize(docs.get(d)));
            words.add(WordVocabulary.END);
            for (String w : words) {
                nll -= Math.log((double) counts.get(w) / total);
                n++;
            }
        }
        return Math.exp(nll / n);
    }

    @Test
    void languageModelLearnsAndLogsPerplexityAndBalance(SparkSession spark, @TempDir Path dir) throws IOException {
        List<String> docs = corpus(120);
        Path input = Files.write(dir.resolve("corpus.txt"), docs);
        StringBuilder log = new StringBuilder();
        assertEquals(0, cli(List.of("prepare", "--set", "source=text-lines", "--set",
                "input=" + input, "--set", "output=" + dir.resolve("prepared")), log), log.toString());
        double unigram = unigramPerplexity(docs);

        List<String> args = new ArrayList<>(List.of("train-moe", "--config",
                Path.of("..", "deploy", "configs", "train-moe-lm-cranfield.yaml").toString(),
                "--set", "data.dataset=" + dir.resolve("prepared"), "--set", "output=" + dir.resolve("runs"),
                "--set", "runId=lm", "--set", "model.dModel=16", "--set", "model.experts=4",
                "--set", "model.expertHidden=16", "--set", "model.contextLength=8", "--set", "engine.batchSize=16",
                "--set", "engine.epochs=4", "--set", "engine.logEvery=5", "--set", "optimizer.learningRate=0.01",
                "--set", "balancing.rate=0.01"));
        assertEquals(0, cli(args, log), log.toString());

        Path run = dir.resolve("runs").resolve("lm");
        Path metrics = run.resolve("metrics.jsonl");
        JsonNode corpus = TrainMoeJobSparkTest.records(metrics, "moe-lm-corpus").get(0);
        assertEquals(108, corpus.get("trainDocuments").asInt());
        assertEquals(12, corpus.get("validationDocuments").asInt());
        int vocabulary = corpus.get("vocabulary").asInt();
        assertEquals(2 + 8 + 8 + 4 + 1, vocabulary, "<unk>, <eos>, the 8 words of the subjects, the 8 of the verbs, "
                + "the 4 numbers and '.'");
        long windows = corpus.get("trainWindows").asLong();
        assertEquals((corpus.get("trainTokens").asLong() - 1) / 8, windows, "windows of 9 ids overlapping by one");

        List<JsonNode> steps = TrainMoeJobSparkTest.records(metrics, "moe");
        JsonNode summary = TrainMoeJobSparkTest.records(metrics, "summary").get(0);
        assertEquals(summary.get("step").asLong(), steps.size(), "one moe record per step");
        assertTrue(steps.size() >= 4 * (windows / 16), steps.size() + " steps for 4 epochs of " + windows + " windows");
        for (JsonNode s : steps) {
            assertEquals(Math.exp(s.get("ceLoss").asDouble()), s.get("perplexity").asDouble(), 1e-9);
            double v = s.get("maxVioBatch").asDouble();
            assertTrue(v >= 0 && v <= 3, "MaxVio_batch in [0, N-1]: " + v);
        }
        List<JsonNode> validation = TrainMoeJobSparkTest.records(metrics, "moe-validation");
        assertEquals(4, validation.size());
        JsonNode first = validation.get(0);
        JsonNode last = validation.get(3);
        double ppl = last.get("perplexity").asDouble();
        assertTrue(ppl < first.get("perplexity").asDouble(),
                "held-out perplexity falls: " + first.get("perplexity") + " -> " + ppl);
        assertTrue(ppl < 0.6 * unigram, "the model uses the context: held-out perplexity " + ppl
                + " vs unigram " + unigram);
        double tokens = 0;
        for (JsonNode t : last.at("/layer1/tokens")) {
            tokens += t.asDouble();
        }
        long validationWindows = corpus.get("validationWindows").asLong();
        assertEquals(validationWindows * 8, last.get("tokens").asLong(), "every held-out window predicts T tokens");
        assertEquals(validationWindows * 8 * 2, tokens, 0, "validation loads count every held-out token K = 2 times");

        JsonNode model = TrainMoeJobSparkTest.JSON.readTree(run.resolve("model/moe-lm.json").toFile());
        assertEquals("sparktrain-moe-lm-1", model.get("format").asText());
        assertEquals(vocabulary, model.get("vocabulary").size());
        assertEquals("<unk>", model.get("vocabulary").get(0).asText());
        assertEquals("<eos>", model.get("vocabulary").get(1).asText());
        boolean moved = false;
        for (JsonNode b : model.get("bias")) {
            double k = b.asDouble() / 0.01;
            moved |= b.asDouble() != 0;
            assertTrue(Math.abs(k - Math.rint(k)) < 1e-3, "sign rule: multiples of u, got " + b);
        }
        assertTrue(moved, "loss-free balancing moved the biases");
        assertEquals(8, model.get("bias").size());
        assertEquals(ppl, summary.get("validationPerplexity").asDouble(), 1e-12);
        assertTrue(Files.exists(run.resolve("report.html")), "report written");
        System.out.printf("train-moe moe-lm: vocabulary %d, held-out perplexity %.3f -> %.3f (unigram %.3f), "
                        + "MaxVio_global %.3f%n", vocabulary, first.get("perplexity").asDouble(), ppl, unigram,
                last.get("maxVioGlobal").asDouble());
    }
}

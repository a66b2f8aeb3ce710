package org.sparktrain.jobs.grownet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.retrieval.ltr.QueryDocumentFeatures;
import org.sparktrain.testing.SharedSpark;
import org.sparktrain.zoo.grownet.GrowNetModel;

import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * {@code prepare} (a small Cranfield: its first 300 documents, first 60 queries and their judgments of those
 * documents) then {@code train-grownet} with the shipped learning-to-rank config through the CLI, shrunk to 2 stages:
 * the saved model, loaded in this JVM without Spark, reranks the test queries' candidates, and nDCG@5 / @10
 * computed here by hand (gain 2^rel − 1, log2 discounts, ideal DCG from all judgments) equal the run's eval.json.
 */
@ExtendWith(SharedSpark.class)
class TrainGrowNetRankingJobSparkTest {
    private static final int DOCS = 300;
    private static final int QUERIES = 60;

    @Test
    void ranksCranfieldFromTheCliAndEvalJsonMatchesAnIndependentNdcg(SparkSession spark, @TempDir Path dir)
            throws Exception {
        Path cranfield = smallCranfield(Path.of(System.getProperty("sparktrain.shared.dir", "../../shared"), "data",
                "cranfield"), Files.createDirectories(dir.resolve("cranfield")));
        StringBuilder log = new StringBuilder();
        Path prepare = Files.writeString(dir.resolve("prepare.yaml"), "source: cranfield\ndir: " + cranfield
                + "\nname: cranfield-small\noutput: " + dir.resolve("prepared") + "\n");
        assertEquals(0, cli(List.of("prepare", "--config", prepare.toString()), log),
                log.toString());
        assertEquals(0, cli(List.of("train-grownet", "--config",
                Path.of("..", "deploy", "configs", "train-grownet-cranfield-ltr.yaml").toString(),
                "--set", "data.dataset=" + dir.resolve("prepared"), "--set", "output=" + dir.resolve("runs"),
                "--set", "runId=small", "--set", "data.testQueries=12", "--set", "data.validationQueries=8",
                "--set", "data.candidates=20", "--set", "grownet.stages=2", "--set", "grownet.epochsPerStage=3"),
                log), log.toString());

        JsonNode eval = new ObjectMapper().readTree(dir.resolve("runs").resolve("small").resolve("eval.json").toFile());
        JsonNode test = eval.get("test");
        GrowNetModel model;
        try (FileInputStream in = new FileInputStream(dir.resolve("runs").resolve("small").resolve("model")
                .resolve(GrowNetSparkModel.MODEL_FILE).toFile())) {
            model = GrowNetModel.read(in, "saved model");
        }
        RerankingData data = RerankingData.load(spark, dir.resolve("prepared").toString(), 20261127L, 12, 8, 20);
        double[] at5 = {0, 0};
        double[] at10 = {0, 0};
        int n = 0;
        for (String q : data.test()) {
            Map<String, Integer> judged = data.qrels().judgments(q);
            if (judged.values().stream().noneMatch(r -> r > 0)) {
                continue;
            }
            List<QueryDocumentFeatures.Candidate> c = new ArrayList<>(data.candidates().get(q));
            List<double[]> scored = new ArrayList<>(); // (score, relevance), kept in BM25 order for ties
            for (QueryDocumentFeatures.Candidate x : c) {
                scored.add(new double[]{model.score(x.features()), judged.getOrDefault(x.docId(), 0)});
            }
            scored.sort(Comparator.comparingDouble((double[] s) -> s[0]).reversed());
            List<Integer> ideal = new ArrayList<>(judged.values());
            ideal.sort(Comparator.reverseOrder());
            at5[0] += dcg(scored.stream().map(s -> (int) s[1]).toList(), 5) / dcg(ideal, 5);
            at10[0] += dcg(scored.stream().map(s -> (int) s[1]).toList(), 10) / dcg(ideal, 10);
            n++;
        }
        assertEquals(n, test.get("queries").asInt());
        assertTrue(n >= 5, "judged test queries: " + n);
        assertEquals(at5[0] / n, test.get("ndcg@5").asDouble(), 1e-9);
        assertEquals(at10[0] / n, test.get("ndcg@10").asDouble(), 1e-9);
        assertEquals(12, data.test().size());
        assertEquals(8, eval.get("validationQueries").asInt());
        // a floor: the reranker keeps most of what BM25's order achieves on these queries
        assertTrue(test.get("ndcg@10").asDouble() > 0.5 * test.get("bm25Ndcg@10").asDouble(), test.toString());
    }

    /** DCG@k of relevance grades in rank order, gain 2^rel − 1, discount 1/log2(rank + 1). */
    private static double dcg(List<Integer> relevance, int k) {
        double s = 0;
        for (int r = 1; r <= Math.min(k, relevance.size()); r++) {
            s += (Math.pow(2, relevance.get(r - 1)) - 1) / (Math.log(r + 1) / Math.log(2));
        }
        return s;
    }

    /** The first {@value DOCS} documents and {@value QUERIES} queries of Cranfield and their judgments among those documents. */
    private static Path smallCranfield(Path from, Path to) throws Exception {
        Files.writeString(to.resolve("cran.all.1400"), firstRecords(from.resolve("cran.all.1400"), DOCS),
                StandardCharsets.UTF_8);
        Files.writeString(to.resolve("cran.qry"), firstRecords(from.resolve("cran.qry"), QUERIES),
                StandardCharsets.UTF_8);
        StringBuilder qrels = new StringBuilder();
        for (String line : Files.readAllLines(from.resolve("cranqrel"), StandardCharsets.UTF_8)) {
            String[] t = line.trim().split("\\s+");
            if (t.length >= 3 && Integer.parseInt(t[0]) <= QUERIES && Integer.parseInt(t[1]) <= DOCS) {
                qrels.append(line).append('\n');
            }
        }
        Files.writeString(to.resolve("cranqrel"), qrels, StandardCharsets.UTF_8);
        return to.toAbsolutePath();
    }

    private static String firstRecords(Path file, int records) throws Exception {
        StringBuilder out = new StringBuilder();
        int seen = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith(".I ") && ++seen > records) {
                break;
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }
}

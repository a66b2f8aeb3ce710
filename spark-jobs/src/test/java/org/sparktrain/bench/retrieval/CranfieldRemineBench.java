package org.sparktrain.bench.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.testing.BenchmarkFile;
import org.sparktrain.testing.SharedSpark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparktrain.testing.CliRun.cli;

/**
 * Re-mining against mining once on the full Cranfield collection: {@code train-biencoder} through the CLI with the
 * shipped {@code train-biencoder-cranfield-minilm-head.yaml}, {@code data.triples=model}, {@code engine.epochs}
 * ({@code -Dbench.epochs}, default 2), once with {@code data.remineEvery=0} and once with
 * {@code -Dbench.remineEvery} (default 1); writes block {@code remine-minilm-head} of docs/benchmarks-retrieval.md.
 * Runs only with {@code SPARKTRAIN_BENCH=1}; {@code -Dbench.dataset} is a prepared Cranfield (default
 * /tmp/lead-cli/prepared/cranfield), {@code -Dbench.out} the runs directory (default /tmp/remine-bench).
 */
@ExtendWith(SharedSpark.class)
@EnabledIfEnvironmentVariable(named = "SPARKTRAIN_BENCH", matches = "1")
class CranfieldRemineBench {
    @Test
    void remineAgainstMineOnce() throws Exception {
        double load = BenchmarkFile.load();
        String dataset = System.getProperty("bench.dataset", "/tmp/lead-cli/prepared/cranfield");
        String out = System.getProperty("bench.out", "/tmp/remine-bench");
        int epochs = Integer.getInteger("bench.epochs", 2);
        int every = Integer.getInteger("bench.remineEvery", 1);
        String seedList = System.getProperty("bench.seeds", "42");
        StringBuilder body = new StringBuilder("| engine.seed | data.remineEvery | test nDCG@10 | test MRR@10 | "
                + "test R@100 | val nDCG@10 | triples changed per re-mining | trainSeconds (engine) | "
                + "wall of the run |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        Map<Integer, List<Double>> testNdcg = new TreeMap<>();
        for (String seedText : seedList.split(",")) {
            int seed = Integer.parseInt(seedText.trim());
            for (int remine : new int[]{0, every}) {
                StringBuilder log = new StringBuilder();
                List<String> args = new ArrayList<>(List.of("train-biencoder", "--config",
                        Path.of("..", "deploy", "configs", "train-biencoder-cranfield-minilm-head.yaml").toString(),
                        "--set", "data.dataset=" + dataset, "--set", "output=" + out,
                        "--set", "runId=remine-" + remine + "-seed-" + seed,
                        "--set", "data.triples=model", "--set", "engine.epochs=" + epochs,
                        "--set", "data.remineEvery=" + remine, "--set", "engine.seed=" + seed));
                long t0 = System.nanoTime();
                assertEquals(0, cli(args, log), log.toString());
                double wall = (System.nanoTime() - t0) / 1e9;
                System.out.println(log);
                JsonNode eval = new ObjectMapper().readTree(
                        Path.of(out, "remine-" + remine + "-seed-" + seed, "eval.json").toFile());
                StringBuilder changed = new StringBuilder();
                if (eval.has("remining")) {
                    for (JsonNode r : eval.get("remining").get("remined")) {
                        changed.append(changed.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                                "%d of %d after epoch %d (%.1f s)", r.get("changed").asInt(), r.get("triples").asInt(),
                                r.get("epoch").asInt(), r.get("seconds").asDouble()));
                    }
                }
                testNdcg.computeIfAbsent(remine, r -> new ArrayList<>()).add(eval.get("test").get("ndcg10").asDouble());
                body.append(String.format(Locale.ROOT,
                        "| %d | %d | %.4f | %.4f | %.4f | %.4f | %s | %.1f s | %.0f s |%n", seed, remine,
                        eval.get("test").get("ndcg10").asDouble(), eval.get("test").get("mrr10").asDouble(),
                        eval.get("test").get("recall100").asDouble(), eval.get("validation").get("ndcg10").asDouble(),
                        changed.length() == 0 ? "-" : changed, eval.get("trainSeconds").asDouble(), wall));
            }
        }
        for (var e : testNdcg.entrySet()) {
            body.append(String.format(Locale.ROOT, "%nMean test nDCG@10 over engine seeds %s with "
                    + "data.remineEvery = %d: %.4f%n", seedList, e.getKey(),
                    e.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        }
        body.append(String.format(Locale.ROOT, "%nShipped minilm-head config (adaptive margin, Adam 3e-4, batch 64, "
                + "2 workers, 256 tokens, split seed 20261127: 75 test / 30 validation / 120 training queries), "
                + "data.triples=model (round 0 mined with frozen MiniLM), engine.epochs=%d, one run each, "
                + "the same seed for both arms. Wall includes the base encoding of 1,625 texts on Spark and the "
                + "evaluation.%n", epochs));
        BenchmarkFile.write("benchmarks-retrieval.md", "remine-minilm-head"
                        + (seedList.equals("42") ? "" : "-seeds-" + seedList.replace(',', '-')),
                "Re-mining hard negatives with the model being trained (minilm-head, Cranfield)",
                "SPARKTRAIN_BENCH=1 mvn -B -o -q -pl spark-jobs -am test -Dtest=CranfieldRemineBench "
                        + "-Dsurefire.failIfNoSpecifiedTests=false -Dbench.epochs=" + epochs + " -Dbench.remineEvery="
                        + every + " -Dbench.seeds=" + seedList, load, body.toString());
    }
}

package org.sparktrain.bench.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparktrain.testing.BenchmarkFile;
import org.sparktrain.testing.SharedSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparktrain.testing.CliRun.cli;

/**
 * Training the bi-encoder on a selection of its training queries (issue 3, text retrieval): {@code select} with the
 * shipped {@code select-cranfield-queries.yaml} (sensitivity sampling of the training queries: MiniLM embeddings,
 * k-means, adaptive-margin loss of the representatives' BM25 triples under zero-shot MiniLM) and with
 * {@code selection.method=uniform}, the same m ({@code -Dbench.m}, default 60 draws of the ~120 training queries),
 * for each selection seed ({@code -Dbench.seeds}, default 1,2,3); then {@code train-biencoder} with the shipped
 * {@code train-biencoder-cranfield-minilm-head.yaml} on all training queries and on each selection (sensitivity
 * weighted and with {@code data.weights=false}, uniform), every run with the same training settings
 * ({@code -Dbench.trainSettings}, default {@code data.triples=model,data.remineEvery=1,engine.epochs=2}, the best
 * setting of docs/benchmarks-retrieval.md). Writes block {@code query-selection-minilm-head} of
 * docs/benchmarks-retrieval.md. Runs only with {@code SPARKTRAIN_BENCH=1}; {@code -Dbench.out} is the working
 * directory (default /tmp/query-selection-bench; Cranfield is prepared there from ../shared/data/cranfield if absent).
 */
@ExtendWith(SharedSpark.class)
@EnabledIfEnvironmentVariable(named = "SPARKTRAIN_BENCH", matches = "1")
class CranfieldQuerySelectionBench {
    private static final Path CONFIGS = Path.of("..", "deploy", "configs");

    @Test
    void selectedQueriesAgainstUniformAndAll() throws Exception {
        double load = BenchmarkFile.load();
        Path out = Path.of(System.getProperty("bench.out", "/tmp/query-selection-bench")).toAbsolutePath();
        int m = Integer.getInteger("bench.m", 60);
        String seedList = System.getProperty("bench.seeds", "1,2,3");
        String trainSettings = System.getProperty("bench.trainSettings",
                "data.triples=model,data.remineEvery=1,engine.epochs=2");
        Path dataset = prepared(out);

        StringBuilder body = new StringBuilder("| training queries | selection seed | distinct queries (draws) | "
                + "weight min / max | data.weights | test nDCG@10 | test MRR@10 | test R@100 | val nDCG@10 | "
                + "select s | wall of the training run |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        Map<String, List<Double>> ndcg = new LinkedHashMap<>();
        Run all = train(out, dataset, "all", null, true, trainSettings);
        ndcg.computeIfAbsent("all training queries", k -> new ArrayList<>()).add(all.ndcg);
        body.append(all.row("all", "-", "-", "-", "-", Double.NaN));
        for (String seedText : seedList.split(",")) {
            int seed = Integer.parseInt(seedText.trim());
            for (String method : new String[]{"sensitivity", "uniform"}) {
                Path selection = out.resolve("selections").resolve(method + "-m" + m + "-seed-" + seed);
                StringBuilder log = new StringBuilder();
                long t0 = System.nanoTime();
                assertEquals(0, cli(List.of("select", "--config", CONFIGS.resolve("select-cranfield-queries.yaml")
                                .toString(), "--set", "data.dataset=" + dataset, "--set", "output=" + selection,
                        "--set", "runId=" + method + "-" + seed, "--set", "selection.method=" + method,
                        "--set", "selection.m=" + m, "--set", "selection.seed=" + seed), log), log.toString());
                double selectSeconds = (System.nanoTime() - t0) / 1e9;
                System.out.println(log);
                JsonNode s = new ObjectMapper().readTree(selection.resolve("selection.json").toFile());
                String distinct = s.get("rows").asLong() + " (" + s.get("m").asLong() + ")";
                String range = String.format(Locale.ROOT, "%.2f / %.2f", s.get("weightMin").asDouble(),
                        s.get("weightMax").asDouble());
                boolean[] weightings = method.equals("sensitivity") ? new boolean[]{true, false} : new boolean[]{true};
                for (boolean weights : weightings) {
                    String arm = method + (method.equals("sensitivity") ? (weights ? " (weighted)" : " (unweighted)")
                            : "");
                    Run r = train(out, dataset, method + "-" + seed + (weights ? "" : "-unweighted"), selection,
                            weights, trainSettings);
                    ndcg.computeIfAbsent(arm, k -> new ArrayList<>()).add(r.ndcg);
                    body.append(r.row(method, Integer.toString(seed), distinct, range, Boolean.toString(weights),
                            selectSeconds));
                }
            }
        }
        body.append("\n| training queries | mean test nDCG@10 | runs |\n|---|---|---|\n");
        for (var e : ndcg.entrySet()) {
            body.append(String.format(Locale.ROOT, "| %s | %.4f | %d |%n", e.getKey(),
                    e.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                    e.getValue().size()));
        }
        body.append(String.format(Locale.ROOT, "%nShipped select-cranfield-queries.yaml (k 20, λ 1, no model: the "
                + "representatives' loss under zero-shot MiniLM) with selection.m=%d and selection.seed per row; "
                + "shipped train-biencoder-cranfield-minilm-head.yaml (adaptive margin, Adam 3e-4, batch 64, 2 "
                + "workers, engine seed 42, split seed 20261127: 75 test / 30 validation queries) with %s; "
                + "data.selection set to the row's selection. Wall includes the base encoding of the corpus and the "
                + "evaluation.%n", m, trainSettings));
        BenchmarkFile.write("benchmarks-retrieval.md", "query-selection-minilm-head",
                "Training on a selection of the training queries (select on Cranfield, minilm-head)",
                "SPARKTRAIN_BENCH=1 mvn -B -o -q -pl spark-jobs -am test -Dtest=CranfieldQuerySelectionBench "
                        + "-Dsurefire.failIfNoSpecifiedTests=false -Dbench.m=" + m + " -Dbench.seeds=" + seedList
                        + " -Dbench.trainSettings=" + trainSettings, load, body.toString());
    }

    private record Run(double ndcg, double mrr, double recall, double validation, double wall) {
        String row(String queries, String seed, String distinct, String range, String weights, double selectSeconds) {
            return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.4f | %.4f | %.4f | %.4f | %s | %.0f s |%n",
                    queries, seed, distinct, range, weights, ndcg, mrr, recall, validation,
                    Double.isNaN(selectSeconds) ? "-" : String.format(Locale.ROOT, "%.0f", selectSeconds), wall);
        }
    }

    private static Run train(Path out, Path dataset, String runId, Path selection, boolean weights, String settings)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("train-biencoder", "--config",
                CONFIGS.resolve("train-biencoder-cranfield-minilm-head.yaml").toString(),
                "--set", "data.dataset=" + dataset, "--set", "output=" + out.resolve("runs"), "--set", "runId=" + runId,
                "--set", "data.weights=" + weights));
        if (selection != null) {
            args.add("--set");
            args.add("data.selection=" + selection);
        }
        for (String s : settings.split(",")) {
            args.add("--set");
            args.add(s.trim());
        }
        StringBuilder log = new StringBuilder();
        long t0 = System.nanoTime();
        assertEquals(0, cli(args, log), log.toString());
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.println(log);
        JsonNode eval = new ObjectMapper().readTree(out.resolve("runs").resolve(runId).resolve("eval.json").toFile());
        return new Run(eval.get("test").get("ndcg10").asDouble(), eval.get("test").get("mrr10").asDouble(),
                eval.get("test").get("recall100").asDouble(), eval.get("validation").get("ndcg10").asDouble(), wall);
    }

    /** {@code sparktrain prepare} of the real Cranfield collection into {@code out/prepared}, once. */
    private static Path prepared(Path out) throws Exception {
        Path dir = out.resolve("prepared");
        if (Files.exists(dir.resolve("manifest.json"))) {
            return dir;
        }
        Files.createDirectories(out);
        Path raw = Path.of(System.getProperty("sparktrain.shared.dir", "../../shared"), "data", "cranfield")
                .toAbsolutePath();
        Path yaml = Files.writeString(out.resolve("prepare.yaml"), "source: cranfield\ndir: " + raw
                + "\nname: cranfield\noutput: " + dir + "\n");
        StringBuilder log = new StringBuilder();
        assertEquals(0, cli(List.of("prepare", "--config", yaml.toString()), log), log.toString());
        return dir;
    }
}

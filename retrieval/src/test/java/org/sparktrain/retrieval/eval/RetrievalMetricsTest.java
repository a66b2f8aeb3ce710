package org.sparktrain.retrieval.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetrievalMetricsTest {
    private static final double LOG2_3 = Math.log(3) / Math.log(2);
    private static final double LOG2_5 = Math.log(5) / Math.log(2);

    /**
     * q1: judged d1=3, d2=0, d3=1, d5=2 (R=3); ranked d2, d1, d4, d3.
     * q2: judged d7=1; d7 and d8 tie at 0.5, trec order puts d8 first (docid descending).
     * q3: judged d9=2, absent from the run (scores 0). q4: only a non-relevant judgment (skipped).
     */
    private static Qrels qrels() {
        Map<String, Map<String, Integer>> q = new LinkedHashMap<>();
        q.put("q1", Map.of("d1", 3, "d2", 0, "d3", 1, "d5", 2));
        q.put("q2", Map.of("d7", 1));
        q.put("q3", Map.of("d9", 2));
        q.put("q4", Map.of("d1", 0));
        return Qrels.of(q);
    }

    private static Run run() {
        Map<String, List<ScoredDoc>> r = new LinkedHashMap<>();
        r.put("q1", List.of(new ScoredDoc("d3", 0.6), new ScoredDoc("d1", 0.8), new ScoredDoc("d2", 0.9),
                new ScoredDoc("d4", 0.7)));
        r.put("q2", List.of(new ScoredDoc("d7", 0.5), new ScoredDoc("d8", 0.5)));
        return Run.of(r);
    }

    @Test
    void handComputedPerQueryValues() {
        RetrievalMetrics m = new RetrievalMetrics(qrels(), 1);
        Run run = run();
        List<ScoredDoc> q1 = run.ranking("q1");
        assertEquals(List.of("d2", "d1", "d4", "d3"), q1.stream().map(ScoredDoc::docId).toList());
        assertEquals(0.5, m.reciprocalRank("q1", q1, 10), 1e-15);
        assertEquals(0.0, m.reciprocalRank("q1", q1, 1), 1e-15);
        double dcg = 7 / LOG2_3 + 1 / LOG2_5;
        double idcg = 7 + 3 / LOG2_3 + 1 / 2.0;
        assertEquals(dcg / idcg, m.ndcg("q1", q1, 10), 1e-12);
        assertEquals((7 / LOG2_3) / (7 + 3 / LOG2_3), m.ndcg("q1", q1, 2), 1e-12);
        assertEquals(2.0 / 3.0, m.recall("q1", q1, 100), 1e-15);
        assertEquals(1.0 / 3.0, m.recall("q1", q1, 3), 1e-15);
        assertEquals((1.0 / 2 + 2.0 / 4) / 3, m.averagePrecision("q1", q1, 100), 1e-15);
        assertEquals((1.0 / 2) / 3, m.averagePrecision("q1", q1, 3), 1e-15);

        List<ScoredDoc> q2 = run.ranking("q2");
        assertEquals(List.of("d8", "d7"), q2.stream().map(ScoredDoc::docId).toList());
        assertEquals(0.5, m.reciprocalRank("q2", q2, 10), 1e-15);
        assertEquals(1 / LOG2_3, m.ndcg("q2", q2, 10), 1e-12);
        assertEquals(0.5, m.averagePrecision("q2", q2, 100), 1e-15);
    }

    @Test
    void handComputedAverages() {
        RetrievalMetrics.Summary s = new RetrievalMetrics(qrels(), 1).evaluate(run());
        assertEquals(3, s.queries(), "q4 has no relevant document and is skipped");
        double ndcg1 = (7 / LOG2_3 + 1 / LOG2_5) / (7 + 3 / LOG2_3 + 0.5);
        assertEquals((0.5 + 0.5 + 0) / 3, s.mrr10(), 1e-15);
        assertEquals((ndcg1 + 1 / LOG2_3 + 0) / 3, s.ndcg10(), 1e-12);
        assertEquals((2.0 / 3 + 1 + 0) / 3, s.recall100(), 1e-15);
        assertEquals((1.0 / 3 + 0.5 + 0) / 3, s.map100(), 1e-15);
        assertArrayEquals(new double[] {0, 0, 0, 0}, s.perQuery().get("q3"));
    }

    @Test
    void higherRelevanceThresholdChangesBinaryMetricsOnly() {
        RetrievalMetrics m = new RetrievalMetrics(qrels(), 2);
        List<ScoredDoc> q1 = run().ranking("q1");
        // relevant now d1 (3) and d5 (2): R = 2; d1 at rank 2
        assertEquals(0.5, m.recall("q1", q1, 100), 1e-15);
        assertEquals(0.5 / 2, m.averagePrecision("q1", q1, 100), 1e-15);
        assertEquals(new RetrievalMetrics(qrels(), 1).ndcg("q1", q1, 10), m.ndcg("q1", q1, 10), 0.0);
    }

    /**
     * Random graded qrels and runs with ties, written as TREC files, scored by this class and by an independent
     * Python implementation of the same definitions (src/test/python/trec_metrics.py); they agree to 1e-9.
     */
    @Test
    void agreesWithIndependentPythonImplementation(@TempDir Path dir) throws Exception {
        Random rnd = new Random(20261127L);
        Map<String, Map<String, Integer>> q = new LinkedHashMap<>();
        Map<String, List<ScoredDoc>> r = new LinkedHashMap<>();
        for (int qi = 0; qi < 40; qi++) {
            String qid = "Q" + qi;
            Map<String, Integer> judged = new HashMap<>();
            int nJudged = 1 + rnd.nextInt(30);
            for (int j = 0; j < nJudged; j++) {
                judged.put("D" + rnd.nextInt(300), rnd.nextInt(5));
            }
            q.put(qid, judged);
            if (qi % 13 == 5) {
                continue; // some queries missing from the run
            }
            List<ScoredDoc> docs = new ArrayList<>();
            int n = rnd.nextInt(150);
            java.util.Set<String> used = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                String d = "D" + rnd.nextInt(300);
                if (used.add(d)) {
                    docs.add(new ScoredDoc(d, rnd.nextInt(40) / 8.0)); // coarse scores: many ties
                }
            }
            r.put(qid, docs);
        }
        Path qrelsFile = dir.resolve("qrels.txt");
        StringBuilder sb = new StringBuilder();
        q.forEach((qid, js) -> js.forEach((d, rel) -> sb.append(qid).append(" 0 ").append(d).append(' ')
                .append(rel == 0 && d.hashCode() % 2 == 0 ? -1 : rel).append('\n')));
        Files.writeString(qrelsFile, sb.toString());
        Path runFile = dir.resolve("run.txt");
        TrecRunFile.write(Run.of(r), "random", runFile);

        Qrels qrels = TrecRunFile.readQrels(qrelsFile);
        Run run = TrecRunFile.read(runFile);
        for (int level : new int[] {1, 3}) {
            RetrievalMetrics.Summary s = new RetrievalMetrics(qrels, level).evaluate(run);
            Map<String, double[]> python = runPython(qrelsFile, runFile, level);
            assertEquals(s.perQuery().keySet(), python.keySet());
            assertTrue(s.queries() > 20);
            for (Map.Entry<String, double[]> e : s.perQuery().entrySet()) {
                assertArrayEquals(python.get(e.getKey()), e.getValue(), 1e-9, "query " + e.getKey());
            }
        }
    }

    private static Map<String, double[]> runPython(Path qrels, Path run, int level) throws Exception {
        Path script = Path.of("src/test/python/trec_metrics.py").toAbsolutePath();
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), qrels.toString(), run.toString(),
                Integer.toString(level)).redirectErrorStream(true).start();
        Map<String, double[]> out = new LinkedHashMap<>();
        StringBuilder all = new StringBuilder();
        try (BufferedReader br = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = br.readLine(); line != null; line = br.readLine()) {
                all.append(line).append('\n');
                String[] f = line.split(" ");
                if (f.length == 5) {
                    out.put(f[0], new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                            Double.parseDouble(f[3]), Double.parseDouble(f[4])});
                }
            }
        }
        assertEquals(0, p.waitFor(), () -> "python failed:\n" + all);
        return out;
    }
}

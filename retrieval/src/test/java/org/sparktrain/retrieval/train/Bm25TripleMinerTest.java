package org.sparktrain.retrieval.train;

import org.junit.jupiter.api.Test;
import org.sparktrain.retrieval.bm25.Bm25Index;
import org.sparktrain.retrieval.eval.Qrels;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bm25TripleMinerTest {
    private static Map<String, String> corpus() {
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put("d1", "wing flutter at high speed");
        docs.put("d2", "flutter of thin panels");
        docs.put("d3", "flutter and buffeting of wings");
        docs.put("d4", "boundary layer heat transfer");
        docs.put("d5", "flutter speed prediction");
        docs.put("d6", "heat transfer at hypersonic speed");
        return docs;
    }

    @Test
    void negativesAreBm25HitsThatAreNeverJudgedPositive() throws Exception {
        Map<String, String> queries = Map.of("q1", "flutter of wings", "q2", "heat transfer", "q3", "zzz unmatched");
        Qrels qrels = Qrels.of(Map.of(
                "q1", Map.of("d1", 2, "d3", 1, "d2", 0),       // d2 judged non-relevant: may be a negative
                "q2", Map.of("d4", 1),
                "q3", Map.of("d1", 1)));                       // no BM25 hit at all: no triples
        try (Bm25Index index = Bm25Index.build(corpus())) {
            Bm25TripleMiner miner = new Bm25TripleMiner(index, 10, 2, 1);
            List<TrainingTriple> triples = miner.mine(List.of("q1", "q2", "q3"), queries, qrels, 7);
            // q1: pool = flutter hits without d1, d3 = {d2, d5}; 2 positives x 2 negatives
            // q2: pool = {d6}; 1 positive x min(2, 1)
            assertEquals(5, triples.size());
            Set<String> q1Negatives = new HashSet<>();
            for (TrainingTriple t : triples) {
                Map<String, Integer> judged = qrels.judgments(t.queryId());
                assertTrue(judged.getOrDefault(t.positiveId(), 0) >= 1);
                assertTrue(judged.getOrDefault(t.negativeId(), 0) < 1, "negative " + t + " is a judged positive");
                if (t.queryId().equals("q1")) {
                    q1Negatives.add(t.negativeId());
                }
            }
            assertEquals(Set.of("d2", "d5"), q1Negatives);
            assertEquals(new TrainingTriple("q2", "d4", "d6"), triples.get(4));
            // seeded: the same seed gives the same triples
            assertEquals(triples, miner.mine(List.of("q1", "q2", "q3"), queries, qrels, 7));
        }
    }

    @Test
    void theSeedChangesTheDraw() throws Exception {
        Map<String, String> docs = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            docs.put("d" + i, "flutter document number " + i + (i % 3 == 0 ? " flutter" : ""));
        }
        Map<String, String> queries = Map.of("q", "flutter");
        Qrels qrels = Qrels.of(Map.of("q", Map.of("d0", 1)));
        try (Bm25Index index = Bm25Index.build(docs)) {
            Bm25TripleMiner miner = new Bm25TripleMiner(index, 30, 5, 1);
            List<TrainingTriple> a = miner.mine(List.of("q"), queries, qrels, 1);
            List<TrainingTriple> b = miner.mine(List.of("q"), queries, qrels, 2);
            assertEquals(5, a.size());
            assertEquals(5, new HashSet<>(a).size(), "negatives of one positive are distinct");
            assertNotEquals(a, b);
        }
    }
}

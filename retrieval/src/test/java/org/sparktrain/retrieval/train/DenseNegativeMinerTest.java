package org.sparktrain.retrieval.train;

import org.junit.jupiter.api.Test;
import org.sparktrain.retrieval.eval.Qrels;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DenseNegativeMinerTest {
    /** Unit vectors at angles 0, 10, 20, ..., 70 degrees: d0 .. d7. */
    private static final List<String> IDS = List.of("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7");

    private static float[][] docs() {
        float[][] e = new float[8][];
        for (int i = 0; i < 8; i++) {
            double a = Math.toRadians(10 * i);
            e[i] = new float[]{(float) Math.cos(a), (float) Math.sin(a)};
        }
        return e;
    }

    @Test
    void poolIsTheModelsTopDepthWithoutJudgedPositives() {
        // q at 22 degrees: cosine order d2 (2 deg), d3 (8), d1 (12), d4 (18), d0 (22), d5 (28), ...
        double a = Math.toRadians(22);
        Map<String, float[]> q = Map.of("q", new float[]{(float) Math.cos(a), (float) Math.sin(a)},
                "r", new float[]{1, 0});
        // q: d2 and d1 judged relevant (excluded even though the model ranks them 1st and 3rd); d3 judged 0 may be
        // a negative. r: nothing relevant -> no triples.
        Qrels qrels = Qrels.of(Map.of("q", Map.of("d2", 3, "d1", 1, "d3", 0), "r", Map.of("d0", 0)));
        DenseNegativeMiner miner = new DenseNegativeMiner(IDS, docs(), 3, 3, 1);
        List<TrainingTriple> triples = miner.mine(List.of("q", "r"), q, qrels, 5);
        // pool = top 3 without positives = {d3, d4, d0}; 2 positives x 3 negatives = the whole pool each
        assertEquals(6, triples.size());
        Set<String> negatives = new HashSet<>();
        Set<String> positives = new HashSet<>();
        for (TrainingTriple t : triples) {
            assertEquals("q", t.queryId());
            negatives.add(t.negativeId());
            positives.add(t.positiveId());
        }
        assertEquals(Set.of("d3", "d4", "d0"), negatives);
        assertEquals(Set.of("d2", "d1"), positives);
        assertEquals(triples, miner.mine(List.of("q", "r"), q, qrels, 5));
    }

    @Test
    void seedChangesTheDrawAndMissingEmbeddingsAreNamed() {
        Map<String, float[]> q = Map.of("q", new float[]{0, 1});
        Qrels qrels = Qrels.of(Map.of("q", Map.of("d7", 1)));
        DenseNegativeMiner miner = new DenseNegativeMiner(IDS, docs(), 7, 3, 1);
        List<TrainingTriple> a = miner.mine(List.of("q"), q, qrels, 1);
        List<TrainingTriple> b = miner.mine(List.of("q"), q, qrels, 2);
        assertEquals(3, a.size());
        assertEquals(3, new HashSet<>(a).size());
        assertNotEquals(a, b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> miner.mine(List.of("x"), q, qrels, 1));
        assertEquals("query x has no embedding", e.getMessage());
    }
}

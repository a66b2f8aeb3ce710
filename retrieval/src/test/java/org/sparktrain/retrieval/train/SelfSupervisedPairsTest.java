package org.sparktrain.retrieval.train;

import org.junit.jupiter.api.Test;
import org.sparktrain.retrieval.bm25.Bm25Index;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelfSupervisedPairsTest {
    private static Map<String, SelfSupervisedPairs.Document> corpus() {
        Map<String, SelfSupervisedPairs.Document> docs = new LinkedHashMap<>();
        docs.put("1", new SelfSupervisedPairs.Document("Wing flutter",
                "Flutter of swept wings was measured. The  tunnel ran at Mach 0.8. Ok."));
        docs.put("2", new SelfSupervisedPairs.Document("", "Heat transfer in hypersonic flow. Results agree."));
        docs.put("3", new SelfSupervisedPairs.Document("Boundary layers", "Only one sentence here"));
        docs.put("4", new SelfSupervisedPairs.Document("Panel buckling", ""));
        return docs;
    }

    @Test
    void titleToBodyPairsEachTitledDocumentWithItsBody() {
        SelfSupervisedPairs.Pairs p = SelfSupervisedPairs.titleToBody(corpus());
        assertEquals(Map.of("t:1", "Wing flutter", "t:3", "Boundary layers"), p.queries());
        assertEquals(Map.of("1#body", "Flutter of swept wings was measured. The tunnel ran at Mach 0.8. Ok.",
                "3#body", "Only one sentence here"), p.passages());
        assertEquals(Map.of("1#body", 1), p.qrels().judgments("t:1"));
        assertEquals(Map.of("3#body", 1), p.qrels().judgments("t:3"));
    }

    @Test
    void sentenceToRestRemovesTheQuerySentenceFromItsPassage() {
        // doc 1: sentences "Flutter of swept wings was measured." (6 words), "The tunnel ran at Mach 0.8." (6),
        // "Ok." (1): with minWords 3 the query is one of the first two; doc 2: two sentences, both >= 3 words
        // except "Results agree." (2) -> the query is the first; doc 3: one sentence -> skipped; doc 4: no body.
        SelfSupervisedPairs.Pairs p = SelfSupervisedPairs.sentenceToRest(corpus(), 3, 9);
        assertEquals(Set.of("s:1", "s:2"), p.queries().keySet());
        assertEquals("Heat transfer in hypersonic flow.", p.queries().get("s:2"));
        assertEquals("Results agree.", p.passages().get("2#rest"));
        String q1 = p.queries().get("s:1");
        String rest1 = p.passages().get("1#rest");
        if (q1.equals("Flutter of swept wings was measured.")) {
            assertEquals("Wing flutter The tunnel ran at Mach 0.8. Ok.", rest1);
        } else {
            assertEquals("The tunnel ran at Mach 0.8.", q1);
            assertEquals("Wing flutter Flutter of swept wings was measured. Ok.", rest1);
        }
        assertEquals(Map.of("1#rest", 1), p.qrels().judgments("s:1"));
        // the draw is seeded: some seed picks the other sentence of doc 1
        Set<String> picks = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            picks.add(SelfSupervisedPairs.sentenceToRest(corpus(), 3, seed).queries().get("s:1"));
        }
        assertEquals(2, picks.size());
        SelfSupervisedPairs.Pairs again = SelfSupervisedPairs.sentenceToRest(corpus(), 3, 9);
        assertEquals(p.queries(), again.queries());
        assertEquals(p.passages(), again.passages());
    }

    @Test
    void bm25TriplesOverThePassagesNeverUseTheOwnPassageAsNegative() throws Exception {
        Map<String, SelfSupervisedPairs.Document> docs = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            docs.put("d" + i, new SelfSupervisedPairs.Document("flutter report " + i,
                    "flutter measurements of wing " + i + " at transonic speed"));
        }
        SelfSupervisedPairs.Pairs p = SelfSupervisedPairs.titleToBody(docs);
        try (Bm25Index index = Bm25Index.build(p.passages())) {
            List<TrainingTriple> triples = new Bm25TripleMiner(index, 5, 2, 1)
                    .mine(p.queries().keySet(), p.queries(), p.qrels(), 3);
            assertEquals(24, triples.size());
            for (TrainingTriple t : triples) {
                String doc = t.queryId().substring(2);
                assertEquals(doc + "#body", t.positiveId());
                assertNotEquals(doc + "#body", t.negativeId());
                assertTrue(p.passages().containsKey(t.negativeId()));
            }
        }
    }
}

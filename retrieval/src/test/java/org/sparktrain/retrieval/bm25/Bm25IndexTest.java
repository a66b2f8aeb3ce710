package org.sparktrain.retrieval.bm25;

import org.junit.jupiter.api.Test;
import org.sparktrain.retrieval.eval.ScoredDoc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bm25IndexTest {
    /** After EnglishAnalyzer every document has 4 terms, so avgdl = 4 and length normalisation is 1. */
    private static Map<String, String> corpus() {
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put("d1", "Wing flutter at high speed");
        docs.put("d2", "Heat transfer in a boundary layer");
        docs.put("d3", "flutter of wings and flutter of panels");
        return docs;
    }

    @Test
    void englishAnalyzerRemovesStopWordsAndStems() throws Exception {
        try (Bm25Index index = Bm25Index.build(corpus())) {
            assertEquals(List.of("flutter", "wing", "flutter", "panel"),
                    index.analyze("flutter of wings and flutter of panels"));
        }
    }

    /**
     * Lucene's BM25: idf(t) = ln(1 + (N - n + 0.5) / (n + 0.5)), score = sum over query terms of
     * idf * tf / (tf + k1 (1 - b + b dl / avgdl)) (Lucene 8+ drops the constant (k1 + 1) factor).
     */
    @Test
    void scoresMatchBm25FormulaByHand() throws Exception {
        try (Bm25Index index = Bm25Index.build(corpus())) {
            List<ScoredDoc> hits = index.search("flutter", 10);
            double idf = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
            assertEquals(List.of("d3", "d1"), hits.stream().map(ScoredDoc::docId).toList());
            assertEquals(idf * 2 / (2 + 1.2), hits.get(0).score(), 1e-6);
            assertEquals(idf * 1 / (1 + 1.2), hits.get(1).score(), 1e-6);

            // "wings heat": d2 only via heat (n=1), d1 and d3 via wing (n=2, tf=1 each)
            List<ScoredDoc> two = index.search("wings heat", 10);
            double idf1 = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
            assertEquals("d2", two.get(0).docId());
            assertEquals(idf1 / 2.2, two.get(0).score(), 1e-6);
            assertEquals(idf / 2.2, two.get(1).score(), 1e-6);
            assertEquals(3, two.size());
        }
    }

    @Test
    void excludedIdsAreSkippedAndKStillFilled() throws Exception {
        try (Bm25Index index = Bm25Index.build(corpus())) {
            List<ScoredDoc> hits = index.search("flutter wing heat", 2, Set.of("d3"));
            assertEquals(2, hits.size());
            assertTrue(hits.stream().noneMatch(h -> h.docId().equals("d3")));
            assertEquals(List.of(), index.search("of the and", 5), "a query of stop words matches nothing");
        }
    }
}

package org.sparktrain.retrieval.ltr;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Features of a three-document corpus against hand-computed BM25 (Lucene's formula) and TF-IDF values. */
class QueryDocumentFeaturesTest {
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    @Test
    void featuresMatchHandComputation() throws Exception {
        Map<String, String> title = new LinkedHashMap<>();
        Map<String, String> body = new LinkedHashMap<>();
        title.put("d1", "wing flow");
        body.put("d1", "heat");
        title.put("d2", "heat");
        body.put("d2", "wing wing");
        title.put("d3", "flow heat");
        body.put("d3", "");
        try (QueryDocumentFeatures f = QueryDocumentFeatures.build(title, body)) {
            List<QueryDocumentFeatures.Candidate> c = f.candidates("flow wing", 3);
            assertEquals(List.of("d1", "d2", "d3"), c.stream().map(QueryDocumentFeatures.Candidate::docId).toList());

            // title + body: lengths 3, 3, 2 (avgdl 8/3); df(wing) = df(flow) = 2 of N = 3
            double idf = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
            double avg = 8.0 / 3;
            float[] d1 = c.get(0).features();
            float[] d2 = c.get(1).features();
            float[] d3 = c.get(2).features();
            assertEquals(2 * bm25(idf, 1, 3, avg), d1[0], 1e-5);
            assertEquals(bm25(idf, 2, 3, avg), d2[0], 1e-5);
            assertEquals(bm25(idf, 1, 2, avg), d3[0], 1e-5);
            assertEquals(d1[0], c.get(0).bm25(), 1e-6);

            // titles: lengths 2, 1, 2 (avgdl 5/3); df(wing) = 1, df(flow) = 2
            double idfWing = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
            double idfFlow = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
            assertEquals(bm25(idfWing, 1, 2, 5.0 / 3) + bm25(idfFlow, 1, 2, 5.0 / 3), d1[1], 1e-5);
            assertEquals(0.0, d2[1], 0);
            assertEquals(bm25(idfFlow, 1, 2, 5.0 / 3), d3[1], 1e-5);

            // bodies: d3's is empty, so Lucene's N = 2 and avgdl = (1 + 2) / 2
            assertEquals(0.0, d1[2], 0);
            assertEquals(bm25(Math.log(1 + (2 - 1 + 0.5) / (1 + 0.5)), 2, 2, 1.5), d2[2], 1e-5);
            assertEquals(0.0, d3[2], 0);

            // TF-IDF: idf(wing) = idf(flow) = ln(3/2), idf(heat) = ln(3/3) = 0. d1 holds the query's terms once each:
            // cosine 1; d2 = (1 + ln 2) wing only: 1/sqrt(2); d3 = flow only: 1/sqrt(2)
            assertEquals(1.0, d1[3], 1e-6);
            assertEquals(1 / Math.sqrt(2), d2[3], 1e-6);
            assertEquals(1 / Math.sqrt(2), d3[3], 1e-6);

            assertEquals(List.of(1f, 2f, 2f, 1f), List.of(d1[4], d1[5], d1[6], d1[7]));
            assertEquals(List.of(2f, 1f, 2f, 0.5f), List.of(d2[4], d2[5], d2[6], d2[7]));
            assertEquals(List.of(0f, 2f, 2f, 0.5f), List.of(d3[4], d3[5], d3[6], d3[7]));
            assertEquals(QueryDocumentFeatures.NAMES.size(), d1.length);

            assertEquals(List.of("d1", "d2"), f.candidates("flow wing", 2).stream()
                    .map(QueryDocumentFeatures.Candidate::docId).toList());
        }
    }

    @Test
    void titlesAndBodiesMustCoverTheSameDocuments() {
        assertThrows(IllegalArgumentException.class,
                () -> QueryDocumentFeatures.build(Map.of("d1", "a"), Map.of("d2", "b")));
    }

    /** Lucene 9's BM25 term score: idf · tf / (tf + k1 (1 − b + b · dl / avgdl)). */
    private static double bm25(double idf, double tf, double dl, double avgdl) {
        return idf * tf / (tf + K1 * (1 - B + B * dl / avgdl));
    }
}

package org.sparktrain.jobs.biencoder;

import org.junit.jupiter.api.Test;
import org.sparktrain.retrieval.eval.Qrels;
import org.sparktrain.retrieval.train.SelfSupervisedPairs;
import org.sparktrain.retrieval.train.TrainingTriple;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The triple sources of {@code data.triples}: judged BM25 triples and self-supervised pairs from the corpus. */
class BiencoderTrainingDataTest {
    private static final String[] TOPICS = {"flutter of swept wings", "heat transfer in hypersonic flow",
            "buckling of thin cylindrical shells", "boundary layer transition"};

    /** 16 documents on 4 topics; every title, body and query holds "study", so every BM25 pool has >= 4 documents. */
    private static Map<String, SelfSupervisedPairs.Document> corpus() {
        Map<String, SelfSupervisedPairs.Document> docs = new LinkedHashMap<>();
        for (int i = 0; i < 16; i++) {
            String topic = TOPICS[i % 4];
            docs.put("d" + i, new SelfSupervisedPairs.Document(topic + " study " + i,
                    "In this study we measured " + topic + " in run " + i + ". The results agree with theory for case "
                            + i + "."));
        }
        return docs;
    }

    private static BiencoderTraining.Collection collection() {
        Map<String, String> docs = new LinkedHashMap<>();
        corpus().forEach((id, d) -> docs.put(id, d.title() + " " + d.body()));
        Map<String, String> queries = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
        for (int q = 0; q < 4; q++) {
            queries.put("q" + q, TOPICS[q] + " study");
            judged.put("q" + q, Map.of("d" + q, 2, "d" + (q + 4), 1));
        }
        return new BiencoderTraining.Collection(docs, queries, Qrels.of(judged));
    }

    @Test
    void bm25SourceUsesOnlyTheTrainingQueries() {
        BiencoderTraining.Collection c = collection();
        BiencoderTraining.Splits s = new BiencoderTraining.Splits(List.of("q0", "q1"), List.of("q2"), List.of("q3"));
        BiencoderTraining.TrainingData t = BiencoderTraining.trainingData(c, s, BiencoderDataConfig.of("x"),
                Map.of(), null);
        assertSame(c, t.collection());
        assertEquals(2 * 2 * 4, t.triples().size());
        for (TrainingTriple tr : t.triples()) {
            assertTrue(tr.queryId().equals("q0") || tr.queryId().equals("q1"), tr.toString());
            assertTrue(c.qrels().judgments(tr.queryId()).getOrDefault(tr.negativeId(), 0) < 1);
        }
    }

    @Test
    void selfSupervisedSourcesUseTheCorpusAlone() {
        BiencoderTraining.Collection c = collection();
        BiencoderTraining.Splits s = new BiencoderTraining.Splits(List.of("q0"), List.of(), List.of("q3"));
        for (String source : List.of("title-body", "sentence-rest")) {
            BiencoderTraining.TrainingData t = BiencoderTraining.trainingData(c, s,
                    BiencoderDataConfig.of("x").withTriples(source), corpus(), null);
            String prefix = source.equals("title-body") ? "t:" : "s:";
            String suffix = source.equals("title-body") ? "#body" : "#rest";
            assertEquals(16, t.collection().queries().size(), source);
            assertEquals(16 * 4, t.triples().size(), source);
            for (TrainingTriple tr : t.triples()) {
                assertTrue(tr.queryId().startsWith(prefix), tr.toString());
                String doc = tr.queryId().substring(2);
                assertEquals(doc + suffix, tr.positiveId());
                assertNotEquals(tr.positiveId(), tr.negativeId());
                assertTrue(t.collection().documents().containsKey(tr.negativeId()), tr.toString());
            }
        }
    }
}

package org.sparktrain.bench.retrieval;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.jobs.biencoder.BiencoderTraining;
import org.sparktrain.retrieval.bm25.Bm25Index;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.OnnxMiniLmEncoder;
import org.sparktrain.retrieval.eval.Qrels;
import org.sparktrain.retrieval.eval.QuerySplit;
import org.sparktrain.retrieval.eval.RetrievalMetrics;
import org.sparktrain.retrieval.eval.Run;
import org.sparktrain.retrieval.eval.TrecRunFile;
import org.sparktrain.retrieval.search.ExactTopK;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cranfield baselines for docs/benchmarks-retrieval.md: BM25 (Lucene) and MiniLM zero-shot (ONNX Runtime, exact
 * top-100 by blocked ND4J products) on the fixed test split of {@link QuerySplit} (seed
 * {@value QuerySplit#CRANFIELD_SEED}, 75 test queries), evaluated with {@link RetrievalMetrics} (binary metrics:
 * Cleverdon grades 1..4 relevant; nDCG gain 2^(5 - grade) - 1). Documents are title + " " + abstract. Writes the TREC
 * runs to {@code spark-jobs/target/cranfield-baselines/} and prints a Markdown table. Not part of the unit tests
 * (the name does not end in Test); run it with
 * {@code mvn -B -o -q -pl spark-jobs -am test -Dtest=CranfieldBaselinesBench -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class CranfieldBaselinesBench {
    @Test
    void bm25AndMiniLmZeroShotOnTheTestSplit() throws Exception {
        BiencoderTraining.Collection c = CranfieldCollection.load();
        Map<String, String> docs = c.documents();
        Map<String, String> queries = c.queries();
        assertEquals(1400, docs.size());
        assertEquals(225, queries.size());

        QuerySplit split = QuerySplit.of(queries.keySet(), QuerySplit.CRANFIELD_SEED, QuerySplit.CRANFIELD_TEST_SIZE);
        Qrels testQrels = c.qrels().restrictTo(new HashSet<>(split.test()));
        Map<String, String> testQueries = new LinkedHashMap<>();
        split.test().forEach(q -> testQueries.put(q, queries.get(q)));
        RetrievalMetrics metrics = new RetrievalMetrics(testQrels, 1);
        java.nio.file.Path out = java.nio.file.Path.of("target", "cranfield-baselines");
        Files.createDirectories(out);

        long t0 = System.nanoTime();
        Run bm25;
        try (Bm25Index index = Bm25Index.build(docs)) {
            bm25 = Run.of(index.searchAll(testQueries, 100));
        }
        double bm25Seconds = (System.nanoTime() - t0) / 1e9;
        TrecRunFile.write(bm25, "bm25", out.resolve("bm25.trec"));
        RetrievalMetrics.Summary b = metrics.evaluate(bm25);

        t0 = System.nanoTime();
        List<String> docIds = new ArrayList<>(docs.keySet());
        float[][] docEmb;
        float[][] queryEmb;
        try (OnnxMiniLmEncoder enc = OnnxMiniLmEncoder.load(MiniLmFiles.MAX_SEQ_LENGTH, 2)) {
            docEmb = enc.encode(new ArrayList<>(docs.values()), 16);
            queryEmb = enc.encode(new ArrayList<>(testQueries.values()), 16);
        }
        double encodeSeconds = (System.nanoTime() - t0) / 1e9;
        ExactTopK.Result top = ExactTopK.search(Nd4j.createFromArray(queryEmb), Nd4j.createFromArray(docEmb), 100, 256);
        Run minilm = top.toRun(split.test(), docIds);
        TrecRunFile.write(minilm, "minilm-zeroshot", out.resolve("minilm-zeroshot.trec"));
        RetrievalMetrics.Summary m = metrics.evaluate(minilm);

        assertEquals(75, b.queries());
        assertEquals(75, m.queries());
        assertTrue(b.ndcg10() > 0.2 && m.ndcg10() > 0.2, "both baselines retrieve relevant documents");

        StringBuilder table = new StringBuilder();
        table.append("| system | nDCG@10 | MRR@10 | Recall@100 | MAP@100 | time |\n");
        table.append("|---|---|---|---|---|---|\n");
        table.append(row("BM25 (Lucene 9.12.3, EnglishAnalyzer, k1=1.2, b=0.75)", b,
                String.format(Locale.ROOT, "index + search %.1f s", bm25Seconds)));
        table.append(row("MiniLM zero-shot (all-MiniLM-L6-v2, ONNX Runtime, max 256 tokens)", m,
                String.format(Locale.ROOT, "encode 1,400 docs + 75 queries %.1f s", encodeSeconds)));
        System.out.println("Cranfield test split (seed " + QuerySplit.CRANFIELD_SEED + ", " + split.test().size()
                + " test / " + split.train().size() + " train queries)\n" + table);
    }

    private static String row(String name, RetrievalMetrics.Summary s, String time) {
        return String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f | %s |%n", name, s.ndcg10(), s.mrr10(),
                s.recall100(), s.map100(), time);
    }
}

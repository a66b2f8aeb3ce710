package org.sparktrain.retrieval.ltr;

import org.sparktrain.retrieval.bm25.Bm25Index;
import org.sparktrain.retrieval.eval.ScoredDoc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Learning-to-rank features of query-document pairs for reranking BM25 candidates (used for GrowNet and XGBoost
 * ranking on Cranfield). Candidates are the BM25 top-k of the query over title + " " + body; every candidate gets
 * the features {@link #NAMES}, in this order:
 * <ol>
 *   <li>{@code bm25_title_body}: Lucene BM25 (k1 = 1.2, b = 0.75) of the query against title + body, the candidate
 *       generator's own score;</li>
 *   <li>{@code bm25_title}, {@code bm25_body}: the same on an index of the titles only and of the bodies only
 *       (0 when the field does not match; Lucene counts only documents with a non-empty field in N and avgdl);</li>
 *   <li>{@code tfidf_cosine}: cosine of the query's and the document's (title + body) TF-IDF vectors, with
 *       weight (1 + ln tf) · ln(N / df) per term, N = all documents; query terms absent from the corpus are
 *       ignored;</li>
 *   <li>{@code body_length}, {@code title_length}, {@code query_length}: analysed terms (with repeats);</li>
 *   <li>{@code query_term_coverage}: distinct query terms present in the document / distinct query terms.</li>
 * </ol>
 * Text analysis (tokenising, stop words, Porter stemming) and BM25 are Apache Lucene's, through {@link Bm25Index};
 * the TF-IDF vectors, lengths and coverage are computed here from Lucene's analysed terms.
 */
public final class QueryDocumentFeatures implements AutoCloseable {
    /** Feature names, in the order of {@link Candidate#features()}. */
    public static final List<String> NAMES = List.of("bm25_title_body", "bm25_title", "bm25_body", "tfidf_cosine",
            "body_length", "title_length", "query_length", "query_term_coverage");

    private final Bm25Index all;
    private final Bm25Index titles;
    private final Bm25Index bodies;
    private final Map<String, Map<String, Integer>> termCounts = new HashMap<>();
    private final Map<String, Integer> documentFrequency = new HashMap<>();
    private final Map<String, Double> documentNorm = new HashMap<>();
    private final Map<String, int[]> lengths = new HashMap<>(); // {body, title}
    private final int size;

    private QueryDocumentFeatures(Map<String, String> title, Map<String, String> body) {
        if (!title.keySet().equals(body.keySet())) {
            throw new IllegalArgumentException("titles and bodies must have the same document ids");
        }
        Map<String, String> joined = new LinkedHashMap<>();
        title.forEach((id, t) -> joined.put(id, (nullToEmpty(t) + " " + nullToEmpty(body.get(id))).trim()));
        this.all = Bm25Index.build(joined);
        this.titles = Bm25Index.build(title);
        this.bodies = Bm25Index.build(body);
        this.size = joined.size();
        for (Map.Entry<String, String> e : joined.entrySet()) {
            Map<String, Integer> tf = counts(all.analyze(e.getValue()));
            termCounts.put(e.getKey(), tf);
            tf.keySet().forEach(t -> documentFrequency.merge(t, 1, Integer::sum));
            lengths.put(e.getKey(), new int[]{all.analyze(body.get(e.getKey())).size(),
                    all.analyze(title.get(e.getKey())).size()});
        }
        termCounts.forEach((id, tf) -> documentNorm.put(id, Math.sqrt(squaredNorm(tfidf(tf)))));
    }

    /** Indexes the documents: id to title and id to body (same ids; null or empty text is fine). */
    public static QueryDocumentFeatures build(Map<String, String> title, Map<String, String> body) {
        return new QueryDocumentFeatures(title, body);
    }

    /**
     * A candidate of a query.
     *
     * @param docId    document id
     * @param bm25     BM25 score over title + body (the candidate ranking)
     * @param features {@link #NAMES} values
     */
    public record Candidate(String docId, double bm25, float[] features) {
    }

    /** The BM25 top-{@code k} documents of the query (best first) with their features. */
    public List<Candidate> candidates(String queryText, int k) {
        List<ScoredDoc> top = all.search(queryText, k);
        Map<String, Double> titleScores = scores(titles, queryText);
        Map<String, Double> bodyScores = scores(bodies, queryText);
        List<String> queryTerms = all.analyze(queryText);
        Map<String, Double> q = tfidf(counts(queryTerms));
        double qNorm = Math.sqrt(squaredNorm(q));
        Set<String> distinct = new LinkedHashSet<>(queryTerms);
        List<Candidate> out = new ArrayList<>(top.size());
        for (ScoredDoc d : top) {
            Map<String, Integer> tf = termCounts.get(d.docId());
            double dot = 0;
            for (Map.Entry<String, Double> e : q.entrySet()) {
                Integer n = tf.get(e.getKey());
                if (n != null) {
                    dot += e.getValue() * weight(e.getKey(), n);
                }
            }
            double dNorm = documentNorm.get(d.docId());
            double cosine = qNorm == 0 || dNorm == 0 ? 0 : dot / (qNorm * dNorm);
            int covered = 0;
            for (String t : distinct) {
                if (tf.containsKey(t)) {
                    covered++;
                }
            }
            int[] len = lengths.get(d.docId());
            out.add(new Candidate(d.docId(), d.score(), new float[]{(float) d.score(),
                    titleScores.getOrDefault(d.docId(), 0.0).floatValue(),
                    bodyScores.getOrDefault(d.docId(), 0.0).floatValue(), (float) cosine, len[0], len[1],
                    queryTerms.size(), distinct.isEmpty() ? 0f : (float) covered / distinct.size()}));
        }
        return out;
    }

    private Map<String, Double> scores(Bm25Index index, String queryText) {
        Map<String, Double> m = new HashMap<>();
        for (ScoredDoc d : index.search(queryText, size)) {
            m.put(d.docId(), d.score());
        }
        return m;
    }

    private Map<String, Double> tfidf(Map<String, Integer> tf) {
        Map<String, Double> v = new HashMap<>();
        tf.forEach((t, n) -> {
            if (documentFrequency.containsKey(t)) {
                v.put(t, weight(t, n));
            }
        });
        return v;
    }

    private double weight(String term, int tf) {
        return (1 + Math.log(tf)) * Math.log((double) size / documentFrequency.get(term));
    }

    private static double squaredNorm(Map<String, Double> v) {
        double s = 0;
        for (double x : v.values()) {
            s += x * x;
        }
        return s;
    }

    private static Map<String, Integer> counts(List<String> terms) {
        Map<String, Integer> m = new HashMap<>();
        terms.forEach(t -> m.merge(t, 1, Integer::sum));
        return m;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() throws IOException {
        all.close();
        titles.close();
        bodies.close();
    }
}

package org.sparktrain.retrieval.train;

import org.sparktrain.retrieval.eval.Qrels;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Self-supervised (pseudo-query, positive passage) pairs from a plain corpus without queries or judgments, as a
 * training collection: pseudo-queries, passages and qrels (each pseudo-query has its one passage as relevance 1).
 * Negatives are then mined over the passages like for judged queries (e.g. {@link Bm25TripleMiner}: the passage of
 * the pseudo-query is its only positive, so it is never its negative).
 * <ul>
 *   <li>{@link #titleToBody}: query = the document's title, passage = its body (title left out); id
 *       {@code t:<docId>} and {@code <docId>#body}. Documents with an empty title or body are skipped.</li>
 *   <li>{@link #sentenceToRest}: query = one sentence of the body drawn with {@code SplittableRandom(seed)} among
 *       those of at least {@code minWords} words, passage = the title and the rest of the body (the sentence
 *       removed), the inverse-cloze task of Lee, Chang, Toutanova, "Latent Retrieval for Weakly Supervised Open
 *       Domain Question Answering", ACL 2019; ids {@code s:<docId>} and {@code <docId>#rest}. Sentences are split
 *       with the JDK's {@link BreakIterator} sentence instance (Locale.ROOT). Documents with fewer than two
 *       sentences or no sentence of {@code minWords} words are skipped.</li>
 * </ul>
 * Titled-passage pairs (title → body) are a classic source too (e.g. the "body first selection" and "wiki link"
 * pre-training tasks of Chang et al., "Pre-training Tasks for Embedding-based Large-scale Retrieval", ICLR 2020).
 */
public final class SelfSupervisedPairs {
    /** A document of the plain corpus. */
    public record Document(String title, String body) {
    }

    /** A training collection built from the corpus. */
    public record Pairs(Map<String, String> queries, Map<String, String> passages, Qrels qrels) {
    }

    private SelfSupervisedPairs() {
    }

    public static Pairs titleToBody(Map<String, Document> corpus) {
        Map<String, String> queries = new LinkedHashMap<>();
        Map<String, String> passages = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
        corpus.forEach((id, d) -> {
            String title = clean(d.title());
            String body = clean(d.body());
            if (!title.isEmpty() && !body.isEmpty()) {
                add(queries, passages, judged, "t:" + id, title, id + "#body", body);
            }
        });
        return new Pairs(queries, passages, Qrels.of(judged));
    }

    public static Pairs sentenceToRest(Map<String, Document> corpus, int minWords, long seed) {
        if (minWords < 1) {
            throw new IllegalArgumentException("minWords must be >= 1, got " + minWords);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, String> queries = new LinkedHashMap<>();
        Map<String, String> passages = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
        corpus.forEach((id, d) -> {
            List<String> sentences = sentences(clean(d.body()));
            List<Integer> eligible = new ArrayList<>();
            for (int i = 0; i < sentences.size(); i++) {
                if (words(sentences.get(i)) >= minWords) {
                    eligible.add(i);
                }
            }
            if (sentences.size() < 2 || eligible.isEmpty()) {
                return;
            }
            int pick = eligible.get(rng.nextInt(eligible.size()));
            StringBuilder rest = new StringBuilder(clean(d.title()));
            for (int i = 0; i < sentences.size(); i++) {
                if (i != pick) {
                    rest.append(rest.length() == 0 ? "" : " ").append(sentences.get(i));
                }
            }
            add(queries, passages, judged, "s:" + id, sentences.get(pick), id + "#rest", rest.toString());
        });
        return new Pairs(queries, passages, Qrels.of(judged));
    }

    /** The sentences of a text (JDK {@link BreakIterator}), trimmed, empty ones dropped. */
    static List<String> sentences(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        List<String> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String s = text.substring(start, end).trim();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static int words(String s) {
        return s.isBlank() ? 0 : s.trim().split("\\s+").length;
    }

    private static String clean(String s) {
        return s == null ? "" : s.trim().replaceAll("\\s+", " ");
    }

    private static void add(Map<String, String> queries, Map<String, String> passages,
                            Map<String, Map<String, Integer>> judged, String queryId, String query, String passageId,
                            String passage) {
        queries.put(queryId, query);
        passages.put(passageId, passage);
        judged.put(queryId, Map.of(passageId, 1));
    }
}

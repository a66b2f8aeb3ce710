package org.sparktrain.jobs.moe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The word-level vocabulary of the MoE language model, built from the training documents (plain Java).
 *
 * <p>Tokenisation: the text is lower-cased; a token is a maximal run of letters and digits, or any other single
 * non-white-space character ({@code "boundary-layer, 0.5"} → {@code boundary - layer , 0 . 5}). Ids: 0 =
 * {@value #UNKNOWN} (every word outside the vocabulary), 1 = {@value #END} (appended after every document), then
 * the words with at least {@code minCount} occurrences in descending count (ties in string order), at most
 * {@code maxSize} entries in all.
 */
public final class WordVocabulary implements java.io.Serializable {
    public static final String UNKNOWN = "<unk>";
    public static final String END = "<eos>";
    public static final int UNKNOWN_ID = 0;
    public static final int END_ID = 1;
    private final List<String> words;
    private final Map<String, Integer> index = new HashMap<>();

    public WordVocabulary(List<String> words) {
        if (words.size() < 2 || !UNKNOWN.equals(words.get(0)) || !END.equals(words.get(1))) {
            throw new IllegalArgumentException("a vocabulary starts with " + UNKNOWN + ", " + END);
        }
        this.words = List.copyOf(words);
        for (int i = 0; i < words.size(); i++) {
            if (index.put(words.get(i), i) != null) {
                throw new IllegalArgumentException("vocabulary word '" + words.get(i) + "' occurs twice");
            }
        }
    }

    /** Lower-cased tokens of {@code text}: runs of letters/digits, and every other non-space character alone. */
    public static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        String s = text.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length()) {
            int c = s.codePointAt(i);
            int n = Character.charCount(c);
            if (Character.isWhitespace(c)) {
                i += n;
            } else if (Character.isLetterOrDigit(c)) {
                int j = i;
                while (j < s.length() && Character.isLetterOrDigit(s.codePointAt(j))) {
                    j += Character.charCount(s.codePointAt(j));
                }
                out.add(s.substring(i, j));
                i = j;
            } else {
                out.add(s.substring(i, i + n));
                i += n;
            }
        }
        return out;
    }

    /** The vocabulary of tokenised documents: words with count ≥ minCount, most frequent first, ≤ maxSize ids. */
    public static WordVocabulary build(List<List<String>> documents, int minCount, int maxSize) {
        if (maxSize < 3) {
            throw new IllegalArgumentException("maxVocab must be at least 3 (" + UNKNOWN + ", " + END + " and a word), got "
                    + maxSize);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> doc : documents) {
            for (String w : doc) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> ranked = new ArrayList<>(counts.entrySet());
        ranked.removeIf(e -> e.getValue() < minCount || e.getKey().equals(UNKNOWN) || e.getKey().equals(END));
        ranked.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Integer.compare(b.getValue(), a.getValue()));
        List<String> words = new ArrayList<>(List.of(UNKNOWN, END));
        for (Map.Entry<String, Integer> e : ranked) {
            if (words.size() >= maxSize) {
                break;
            }
            words.add(e.getKey());
        }
        return new WordVocabulary(words);
    }

    public int size() {
        return words.size();
    }

    public List<String> words() {
        return words;
    }

    /** The id of a token, {@link #UNKNOWN_ID} if it is not in the vocabulary. */
    public int id(String token) {
        return index.getOrDefault(token, UNKNOWN_ID);
    }
}

package org.sparktrain.retrieval.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The uncased BERT WordPiece tokenizer, in plain Java, reproducing what HuggingFace {@code tokenizers} does with a
 * {@code tokenizer.json} of type {@code BertNormalizer} + {@code BertPreTokenizer} + {@code WordPiece} +
 * {@code [CLS] $A [SEP]} (all-MiniLM-L6-v2's; Devlin et al. 2019, Wu et al. 2016). Steps, in HuggingFace's order:
 *
 * <ol>
 *   <li>clean: drop U+0000, U+FFFD and control characters (general category Cc, Cf, Co, Cn except tab, CR, LF);
 *       white space becomes a space;</li>
 *   <li>Chinese characters (CJK ideograph blocks) get a space on each side;</li>
 *   <li>strip accents (NFD, then drop non-spacing marks Mn), then lower case;</li>
 *   <li>pre-tokenize: split on white space, and every punctuation character (ASCII punctuation or Unicode
 *       categories Pc, Pd, Ps, Pe, Pi, Pf, Po) is a word of its own;</li>
 *   <li>WordPiece: each word is split greedily into the longest vocabulary prefixes, later pieces prefixed
 *       {@code ##}; a word longer than 100 characters or with an unmatched rest becomes {@code [UNK]};</li>
 *   <li>{@code [CLS]} + pieces (truncated to {@code maxLength - 2}) + {@code [SEP]}.</li>
 * </ol>
 * Before all that, like HuggingFace's added tokens with {@code normalized: false}, exact occurrences of the added
 * tokens ({@code [CLS]}, {@code [SEP]}, {@code [MASK]}, ... as listed in {@code added_tokens}) in the raw text are
 * taken as those tokens (leftmost, longest first) and the text between them is tokenized as above.
 * Checked id for id against HuggingFace's tokenizer (through DJL) in the tests. Thread-safe after construction.
 */
public final class WordPieceTokenizer {
    private static final int MAX_WORD_CHARS = 100;
    private final Map<String, Integer> vocab;
    private final int clsId;
    private final int sepId;
    private final int unkId;
    private final int padId;
    private final Map<String, Integer> addedTokens;

    /**
     * A tokenizer over a vocabulary (piece to id) that contains [CLS], [SEP], [UNK] and [PAD], and the added tokens
     * (content to id) matched verbatim in the raw text.
     */
    public WordPieceTokenizer(Map<String, Integer> vocab, Map<String, Integer> addedTokens) {
        this.vocab = Map.copyOf(vocab);
        this.addedTokens = Map.copyOf(addedTokens);
        this.clsId = required("[CLS]");
        this.sepId = required("[SEP]");
        this.unkId = required("[UNK]");
        this.padId = required("[PAD]");
    }

    /** Reads the vocabulary ({@code model.vocab}) of a HuggingFace {@code tokenizer.json} of a WordPiece model. */
    public static WordPieceTokenizer fromTokenizerJson(InputStream json, String name) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode model = root.path("model");
        if (!"WordPiece".equals(model.path("type").asText())) {
            throw new IllegalArgumentException(name + ": model.type is '" + model.path("type").asText()
                    + "', expected 'WordPiece'");
        }
        JsonNode v = model.path("vocab");
        if (!v.isObject() || v.isEmpty()) {
            throw new IllegalArgumentException(name + ": model.vocab is missing or empty");
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        Map<String, Integer> added = new HashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            added.put(t.path("content").asText(), t.path("id").asInt());
        }
        return new WordPieceTokenizer(vocab, added);
    }

    /** Number of vocabulary entries. */
    public int vocabSize() {
        return vocab.size();
    }

    /** The id of [PAD]. */
    public int padId() {
        return padId;
    }

    /** Token ids {@code [CLS] pieces [SEP]}, at most {@code maxLength} (&ge; 2) of them. */
    public int[] encode(String text, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2, got " + maxLength);
        }
        List<Integer> pieces = tokenIds(text);
        int n = Math.min(pieces.size(), maxLength - 2);
        int[] ids = new int[n + 2];
        ids[0] = clsId;
        for (int i = 0; i < n; i++) {
            ids[i + 1] = pieces.get(i);
        }
        ids[n + 1] = sepId;
        return ids;
    }

    /** {@link #encode(String, int)} of every text, in input order (ragged: each row as long as its text needs). */
    public int[][] encodeAll(List<String> texts, int maxLength) {
        int[][] ids = new int[texts.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = encode(texts.get(i), maxLength);
        }
        return ids;
    }

    /** The WordPiece strings (without [CLS]/[SEP]) of a text, for inspection. */
    public List<String> pieces(String text) {
        Map<Integer, String> byId = new HashMap<>();
        vocab.forEach((k, v) -> byId.put(v, k));
        return tokenIds(text).stream().map(byId::get).toList();
    }

    private List<Integer> tokenIds(String text) {
        List<Integer> ids = new ArrayList<>();
        int from = 0;
        while (from <= text.length()) {
            int at = -1;
            String match = null;
            for (String t : addedTokens.keySet()) {
                int i = text.indexOf(t, from);
                if (i >= 0 && (at < 0 || i < at || (i == at && t.length() > match.length()))) {
                    at = i;
                    match = t;
                }
            }
            String segment = at < 0 ? text.substring(from) : text.substring(from, at);
            for (String word : preTokenize(normalize(segment))) {
                wordPiece(word, ids);
            }
            if (at < 0) {
                break;
            }
            ids.add(addedTokens.get(match));
            from = at + match.length();
        }
        return ids;
    }

    static String normalize(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == 0 || c == 0xFFFD || isControl(c)) {
                return;
            }
            if (isWhitespace(c)) {
                clean.append(' ');
            } else if (isChinese(c)) {
                clean.append(' ').appendCodePoint(c).append(' ');
            } else {
                clean.appendCodePoint(c);
            }
        });
        String nfd = Normalizer.normalize(clean, Normalizer.Form.NFD);
        StringBuilder stripped = new StringBuilder(nfd.length());
        nfd.codePoints().filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
                .forEach(stripped::appendCodePoint);
        return stripped.toString().toLowerCase(java.util.Locale.ROOT);
    }

    static List<String> preTokenize(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (isWhitespace(c)) {
                flush(cur, words);
            } else if (isPunctuation(c)) {
                flush(cur, words);
                words.add(new String(Character.toChars(c)));
            } else {
                cur.appendCodePoint(c);
            }
        });
        flush(cur, words);
        return words;
    }

    private void wordPiece(String word, List<Integer> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > MAX_WORD_CHARS) {
            out.add(unkId);
            return;
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            int end = cps.length;
            Integer found = null;
            while (start < end) {
                String sub = new String(cps, start, end - start);
                if (start > 0) {
                    sub = "##" + sub;
                }
                found = vocab.get(sub);
                if (found != null) {
                    break;
                }
                end--;
            }
            if (found == null) {
                out.add(unkId);
                return;
            }
            pieces.add(found);
            start = end;
        }
        out.addAll(pieces);
    }

    private static void flush(StringBuilder cur, List<String> words) {
        if (cur.length() > 0) {
            words.add(cur.toString());
            cur.setLength(0);
        }
    }

    /** Rust's char::is_whitespace: the Unicode White_Space property. */
    private static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x85
                || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029
                || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    private static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int t = Character.getType(c);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE
                || t == Character.UNASSIGNED;
    }

    private static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    private static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B920 && c <= 0x2CEAF) || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    private int required(String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("vocabulary has no " + token + " token");
        }
        return id;
    }
}

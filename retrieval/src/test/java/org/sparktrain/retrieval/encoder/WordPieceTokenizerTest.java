package org.sparktrain.retrieval.encoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our WordPiece against HuggingFace tokenizers (Rust, through DJL) on the same tokenizer.json. */
class WordPieceTokenizerTest {
    static final List<String> SENTENCES = List.of(
            "what similarity laws must be obeyed when constructing aeroelastic models of heated high speed aircraft .",
            "A man is eating food.",
            "A man is eating a piece of bread.",
            "The girl is carrying a baby.",
            "A man is riding a horse.",
            "Two men pushed carts through the woods.",
            "A monkey is playing drums.",
            "Héllo, Wörld! Ça va? Ñandú — naïve café résumé.",
            "It's a dog's life; isn't it? \"Quoted\" 'single' (parens) [brackets] {braces}",
            "e-mail: someone@example.com, url https://example.org/path?q=1&r=2#frag",
            "Numbers: 3.14159, 1,000,000 and 42% of $5.99 (approx. 6€).",
            "UPPERCASE lowercase MiXeD CaSe",
            "hyphen-ated words and under_scores and slash/separated",
            "tabs\tand\nnewlines\r\nand  multiple   spaces",
            "Emoji 😀 and symbols ★ ☃ ♥ are not in the vocabulary",
            "中文字符测试 and 日本語のテキスト mixed with English",
            "한국어 텍스트 도 있습니다",
            "Русский текст тоже бывает",
            "Ελληνικά γράμματα α β γ δ",
            "Arabic العربية and Hebrew עברית",
            "supercalifragilisticexpialidocious antidisestablishmentarianism",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "zero\u200bwidth\u200bspace and soft\u00adhyphen",
            "control\u0007char and null\u0000byte and replacement\ufffdchar",
            "non\u00a0breaking\u2003em-space\u3000ideographic",
            "fullwidth ＡＢＣ１２３ letters",
            "ligatures ﬁ ﬂ and Kelvin sign K Ångström",
            "Turkish İstanbul ıi",
            "German straße Maß",
            "the boundary layer on a flat plate in hypersonic flow",
            "heat transfer to a blunt body at mach 5.8",
            "Reynolds-number effects on the drag of a cylinder (Re ~ 10^5)",
            "What is the effect of angle-of-attack on lift/drag?",
            "",
            "   ",
            ".",
            "...!!!???",
            "a",
            "[CLS] [SEP] [MASK] [UNK] literal special tokens",
            "don't won't can't shouldn't y'all",
            "C++ and C# and F# programming",
            "x^2 + y^2 = z^2, ∑ i = n(n+1)/2, ∫ f(x) dx",
            "1st 2nd 3rd 4th 21st century",
            "ℕ ℤ ℚ ℝ ℂ sets",
            "dates 2024-07-31 and times 12:34:56",
            "quotes “curly” ‘single’ «guillemets» „low“",
            "dashes – en — em ― bar",
            "ellipsis… and bullet • points",
            "Vietnamese: Tiếng Việt có dấu",
            "Thai: ภาษาไทย",
            "Hindi: हिन्दी भाषा",
            "accents in capitals: ÉCOLE ÀÉÎÕÜ",
            "repeated repeated repeated words words",
            "the quick brown fox jumps over the lazy dog",
            "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG",
            "tokenization of unaffable and unbelievable words",
            "A very long sentence " + "with many repeated tokens ".repeat(40));

    private static HuggingFaceTokenizer reference;
    private static WordPieceTokenizer ours;

    @BeforeAll
    static void load(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("tokenizer.json");
        try (InputStream in = MiniLmFiles.open(MiniLmFiles.TOKENIZER)) {
            Files.copy(in, json, StandardCopyOption.REPLACE_EXISTING);
        }
        reference = HuggingFaceTokenizer.builder().optTokenizerPath(json).optPadding(false).optTruncation(true)
                .optMaxLength(512).build();
        ours = MiniLmFiles.tokenizer();
    }

    @Test
    void vocabularyIsTheModels() {
        assertEquals(30522, ours.vocabSize());
        assertEquals(0, ours.padId());
    }

    @Test
    void idsEqualHuggingFaceOnVariedSentences() {
        assertTrue(SENTENCES.size() >= 50);
        for (String s : SENTENCES) {
            Encoding e = reference.encode(s);
            int[] expected = Arrays.stream(e.getIds()).mapToInt(x -> (int) x).toArray();
            assertArrayEquals(expected, ours.encode(s, 512), () -> "sentence: " + s + "\n reference tokens "
                    + Arrays.toString(e.getTokens()) + "\n ours " + ours.pieces(s));
        }
    }

    @Test
    void truncatesToMaxLengthKeepingClsAndSep() throws Exception {
        String s = SENTENCES.get(SENTENCES.size() - 1);
        try (HuggingFaceTokenizer ref16 = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerPath())
                .optPadding(false).optTruncation(true).optMaxLength(16).build()) {
            long[] expected = ref16.encode(s).getIds();
            int[] got = ours.encode(s, 16);
            assertEquals(16, got.length);
            assertArrayEquals(Arrays.stream(expected).mapToInt(x -> (int) x).toArray(), got);
            assertEquals(101, got[0]);
            assertEquals(102, got[15]);
        }
    }

    @Test
    void encodeAllIsEncodeOfEveryTextInOrder() {
        List<String> texts = List.of(SENTENCES.get(3), "", SENTENCES.get(SENTENCES.size() - 1), SENTENCES.get(0));
        int[][] all = ours.encodeAll(texts, 16);
        assertEquals(texts.size(), all.length);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(ours.encode(texts.get(i), 16), all[i], "text " + i);
        }
        assertEquals(0, ours.encodeAll(List.of(), 16).length);
    }

    @Test
    void knownPieces() {
        assertEquals(List.of("una", "##ffa", "##ble"), ours.pieces("unaffable"));
        assertEquals(List.of("hello", ",", "world", "!"), ours.pieces("Héllo, WORLD!"));
    }

    private static Path tokenizerPath() throws Exception {
        Path json = Files.createTempFile("minilm-tokenizer", ".json");
        json.toFile().deleteOnExit();
        try (InputStream in = MiniLmFiles.open(MiniLmFiles.TOKENIZER)) {
            Files.copy(in, json, StandardCopyOption.REPLACE_EXISTING);
        }
        return json;
    }
}

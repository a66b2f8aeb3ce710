package org.sparktrain.jobs.moe;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hand-computed tokens, vocabulary ids, document streams and windows of the MoE language model's corpus. */
class LmCorpusTest {
    @Test
    void tokenizerSplitsWordsAndSeparatesEveryOtherCharacter() {
        assertEquals(List.of("boundary", "-", "layer", ",", "mach", "0", ".", "5", "(", "m2", ")"),
                WordVocabulary.tokenize("  Boundary-layer,\r\n MACH 0.5 (M2)"));
        assertEquals(List.of(), WordVocabulary.tokenize(" \t\n"));
    }

    @Test
    void vocabularyRanksWordsByCountThenByStringAndCapsTheSize() {
        List<List<String>> docs = List.of(List.of("b", "a", "c", "b"), List.of("a", "b", "d", "c", "e"));
        // counts: b 3, a 2, c 2, d 1, e 1
        WordVocabulary v = WordVocabulary.build(docs, 1, 100);
        assertEquals(List.of("<unk>", "<eos>", "b", "a", "c", "d", "e"), v.words());
        WordVocabulary capped = WordVocabulary.build(docs, 2, 4);
        assertEquals(List.of("<unk>", "<eos>", "b", "a"), capped.words());
        assertEquals(0, capped.id("c"), "a word outside the vocabulary is <unk>");
        assertEquals(3, capped.id("a"));
        assertThrows(IllegalArgumentException.class, () -> WordVocabulary.build(docs, 1, 2));
    }

    @Test
    void streamEndsEveryDocumentAndWindowsOverlapByOneId() {
        WordVocabulary v = new WordVocabulary(List.of("<unk>", "<eos>", "x", "y"));
        int[] stream = LmCorpus.stream(List.of(List.of("x", "y", "z"), List.of("y")), v);
        assertArrayEquals(new int[]{2, 3, 0, 1, 3, 1}, stream);
        List<int[]> w = LmCorpus.windows(stream, 2);
        assertEquals(2, w.size(), "ids 0..2 and 2..4; 4..6 would need a 7th id");
        assertArrayEquals(new int[]{2, 3, 0}, w.get(0));
        assertArrayEquals(new int[]{0, 1, 3}, w.get(1));
        assertEquals(0, LmCorpus.windows(new int[]{1, 2}, 2).size());
    }

    @Test
    void everyTenthDocumentIsHeldOut() {
        TextConfig t = TextConfig.defaults();
        assertEquals(true, t.heldOut(0));
        assertEquals(false, t.heldOut(9));
        assertEquals(true, t.heldOut(20));
        assertEquals(false, new TextConfig(null, 0, null, null).heldOut(0));
        assertThrows(IllegalArgumentException.class, () -> new TextConfig(null, 1, null, null));
    }
}

package org.sparktrain.jobs.moe;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The pure parts of the {@link HeldOutGapCheck} diagnostic: its groupings and its sampling floor. */
class HeldOutGapCheckTest {
    private static final int E = WordVocabulary.END_ID;

    @Test
    void byDocumentCountsEndTokensBeforeEachWindowButNotTheSharedLastPosition() {
        // T = 3: a window holds T + 1 ids, its last id is the next window's first
        int[] w0 = {5, E, 6, E};   // document 0 at its start; one <eos> in positions 0..2 (the last E is w1's first)
        int[] w1 = {E, 7, E, 8};   // starts in document 1; two <eos> in positions 0..2
        int[] w2 = {8, 9, 9, 9};   // starts in document 3
        List<List<int[]>> groups = HeldOutGapCheck.byDocument(List.of(w0, w1, w2), 2);
        assertEquals(2, groups.size());
        assertEquals(1, groups.get(0).size());
        assertArrayEquals(w0, groups.get(0).get(0));
        assertEquals(List.of(w1, w2), groups.get(1));
    }

    @Test
    void byWindowDealsWindowsRoundRobin() {
        int[] a = {1}, b = {2}, c = {3}, d = {4}, e = {5};
        List<List<int[]>> groups = HeldOutGapCheck.byWindow(List.of(a, b, c, d, e), 3);
        assertEquals(List.of(a, d), groups.get(0));
        assertEquals(List.of(b, e), groups.get(1));
        assertEquals(List.of(c), groups.get(2));
    }

    @Test
    void independentTokenFloorMatchesTheExactExpectation() {
        // N = 2, K = 1, 2 tokens: loads (2,0) or (0,2) with probability 1/2 give MaxVio 2/1 - 1 = 1, (1,1) gives 0
        assertEquals(0.5, HeldOutGapCheck.independentTokenFloor(2, 2, 1, 1, 40_000, 7), 0.015);
        // N = 3, K = 1, 3 tokens: max load 1 (6/27), 2 (18/27), 3 (3/27): E[max] - 1 = 51/27 - 1, on 2 layers
        assertEquals(51.0 / 27 - 1, HeldOutGapCheck.independentTokenFloor(3, 3, 1, 2, 40_000, 11), 0.015);
        // K = N: every token goes to every expert, the loads are always equal
        assertEquals(0.0, HeldOutGapCheck.independentTokenFloor(5, 4, 4, 2, 100, 3), 0.0);
    }
}

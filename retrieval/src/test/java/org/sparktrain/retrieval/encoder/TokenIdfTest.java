package org.sparktrain.retrieval.encoder;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class TokenIdfTest {
    /** N = 2 documents [1, 2] and [2, 3, 3]: df = (0, 1, 2, 1, 0), token occurrences tf = (0, 1, 2, 2, 0). */
    @Test
    void bm25IdfNormalisedByItsMeanOverTokenOccurrences() {
        double idf0 = Math.log(1 + 2.5 / 0.5);
        double idf1 = Math.log(1 + 1.5 / 1.5);
        double idf2 = Math.log(1 + 0.5 / 2.5);
        double mean = (1 * idf1 + 2 * idf2 + 2 * idf1) / 5;
        double[] expected = {idf0 / mean, idf1 / mean, idf2 / mean, idf1 / mean, idf0 / mean};
        assertArrayEquals(expected, TokenIdf.weights(List.of(new int[]{1, 2}, new int[]{2, 3, 3}), 5), 1e-12);
    }
}

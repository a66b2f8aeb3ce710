package org.sparktrain.zoo.grownet;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RankNet g, h, loss and targets against hand computation and finite differences (double precision). */
class PairwiseRankNetTest {
    @Test
    void twoDocumentsByHand() {
        // equal scores, r = (1, 0): rho_12 = 1/2, S_12 = 1: g_1 = (0 - 1/2) = -1/2, g_2 = +1/2;
        // h_i = 1/4 (pair) + 1/4 (j = i) = 1/2; loss = log 2; Newton targets -g/h = +1, -1
        PairwiseRankNet.Statistics st = PairwiseRankNet.statistics(new double[]{0, 0}, new double[]{1, 0},
                new int[]{0, 2});
        assertArrayEquals(new double[]{-0.5, 0.5}, st.g(), 1e-15);
        assertArrayEquals(new double[]{0.5, 0.5}, st.h(), 1e-15);
        assertEquals(Math.log(2), PairwiseRankNet.loss(new double[]{0, 0}, new double[]{1, 0}, new int[]{0, 2}), 1e-15);
        double[] t = new double[2];
        double[] w = new double[2];
        PairwiseRankNet.targets(new double[]{0, 0}, new double[]{1, 0}, new int[]{0, 2}, true, t, w);
        assertArrayEquals(new double[]{1, -1}, t, 1e-15);
        assertArrayEquals(new double[]{0.5, 0.5}, w, 1e-15);
        PairwiseRankNet.targets(new double[]{0, 0}, new double[]{1, 0}, new int[]{0, 2}, false, t, w);
        assertArrayEquals(new double[]{0.5, -0.5}, t, 1e-15);
        assertArrayEquals(new double[]{1, 1}, w, 0);

        // s = (ln 3, 0), r = (0, 2): the worse document is ahead. rho_12 = 1/(1 + 3) = 1/4, S_12 = -1:
        // g_1 = (1 - 1/4) = 3/4, g_2 = (0 - 3/4) = -3/4; h = 3/16 + 1/4 = 7/16; loss = ln 3 + ln(4/3) = ln 4
        double[] s = {Math.log(3), 0};
        double[] r = {0, 2};
        st = PairwiseRankNet.statistics(s, r, new int[]{0, 2});
        assertArrayEquals(new double[]{0.75, -0.75}, st.g(), 1e-15);
        assertArrayEquals(new double[]{7.0 / 16, 7.0 / 16}, st.h(), 1e-15);
        assertEquals(Math.log(4), PairwiseRankNet.loss(s, r, new int[]{0, 2}), 1e-14);
    }

    @Test
    void gradientAndHessianMatchFiniteDifferencesAndQueriesStaySeparate() {
        SplittableRandom rng = new SplittableRandom(7);
        int[] starts = {0, 4, 5, 11}; // queries of 4, 1 and 6 documents
        double[] s = new double[11];
        double[] r = new double[11];
        for (int i = 0; i < s.length; i++) {
            s[i] = 2 * rng.nextDouble() - 1;
            r[i] = rng.nextInt(3); // graded 0..2, with ties
        }
        PairwiseRankNet.Statistics st = PairwiseRankNet.statistics(s, r, starts);
        double eps = 1e-4;
        for (int i = 0; i < s.length; i++) {
            double f0 = PairwiseRankNet.loss(s, r, starts);
            s[i] += eps;
            double fPlus = PairwiseRankNet.loss(s, r, starts);
            s[i] -= 2 * eps;
            double fMinus = PairwiseRankNet.loss(s, r, starts);
            s[i] += eps;
            assertEquals((fPlus - fMinus) / (2 * eps), st.g()[i], 1e-8, "g row " + i);
            // the spec's h includes j = i, which adds sigma^2 / 4 to the true second derivative
            assertEquals((fPlus - 2 * f0 + fMinus) / (eps * eps) + 0.25, st.h()[i], 1e-5, "h row " + i);
        }
        assertEquals(0.0, st.g()[4], 0, "a one-document query has no pairs");
        assertEquals(0.25, st.h()[4], 0);

        // moving the scores of the last query changes nothing in the first one
        double[] moved = s.clone();
        for (int i = 5; i < 11; i++) {
            moved[i] += 3;
        }
        PairwiseRankNet.Statistics other = PairwiseRankNet.statistics(moved, r, starts);
        for (int i = 0; i < 5; i++) {
            assertEquals(st.g()[i], other.g()[i], 0);
            assertEquals(st.h()[i], other.h()[i], 0);
        }
        // a shift of all scores of a query changes neither g nor h (RankNet sees only differences)
        for (int i = 5; i < 11; i++) {
            assertEquals(st.g()[i], other.g()[i], 1e-12);
            assertEquals(st.h()[i], other.h()[i], 1e-12);
        }
    }

    @Test
    void badLayoutIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> PairwiseRankNet.statistics(new double[3], new double[3], new int[]{0, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> PairwiseRankNet.statistics(new double[3], new double[2], new int[]{0, 3}));
        assertThrows(IllegalArgumentException.class,
                () -> PairwiseRankNet.loss(new double[3], new double[3], new int[]{0, 2, 1, 3}));
    }

    @Test
    void rankingTaskLabelsAndInitialScore() {
        GrowNetTask t = GrowNetTask.RANKING;
        assertEquals(3, t.canonicalLabel(3, "row 1"), 0);
        assertThrows(IllegalArgumentException.class, () -> t.canonicalLabel(-1, "row 2"));
        // c0 = mean((2^r - 1)/16) over r = 0, 1, 3: (0 + 1 + 7) / 16 / 3 = 1/6
        double sum = t.initialScoreTerm(0) + t.initialScoreTerm(1) + t.initialScoreTerm(3);
        assertEquals(1.0 / 6, t.initialScore(sum, 3), 1e-15);
        assertThrows(IllegalStateException.class, () -> t.target(1, 0, true));
    }

    @Test
    void ndcgByHand() {
        // scores rank doc0 (rel 0), doc2 (rel 1), doc1 (rel 2); ideal order rel 2, 1, 0
        double[] s = {3, 1, 2};
        double[] r = {0, 2, 1};
        double l3 = Math.log(3) / Math.log(2);
        assertEquals((1 / l3) / (3 + 1 / l3), Ndcg.at(s, r, 0, 3, 2), 1e-15);
        assertEquals((1 / l3 + 3 / 2.0) / (3 + 1 / l3), Ndcg.at(s, r, 0, 3, 5), 1e-15);
        assertEquals(1.0, Ndcg.at(new double[]{9, 2, 1}, r, 1, 3, 5), 1e-15, "a sub-range is its own query");
        // ties keep input order: (rel 0, rel 2) with equal scores -> DCG@1 = 0
        assertEquals(0.0, Ndcg.at(new double[]{1, 1}, new double[]{0, 2}, 0, 2, 1), 0);
        assertTrue(Double.isNaN(Ndcg.at(s, new double[3], 0, 3, 5)), "no relevant document: undefined");
    }

    @Test
    void xavierInitialisationFollowsTheReferenceBounds() {
        int d = 5;
        int h = 4;
        WeakLearner w = WeakLearner.create(d, h, true, 3, true);
        double[] p = w.params();
        int in = d + h;
        double b1 = Math.sqrt(6.0 / (in + h));
        for (int i = 0; i < in * h; i++) {
            assertTrue(Math.abs(p[i]) <= b1, "W1 within the Xavier bound");
        }
        for (int i = in * h; i < in * h + h; i++) {
            assertEquals(0.01, p[i], 0, "b1");
        }
        int oW2 = in * h + 3 * h;
        for (int i = oW2 + h * h; i < oW2 + h * h + h; i++) {
            assertEquals(0.01, p[i], 0, "b2");
        }
        assertEquals(0.01, p[oW2 + h * h + h + h], 0, "b_out");
        assertEquals(WeakLearner.numParams(d, h, true), p.length);
    }
}

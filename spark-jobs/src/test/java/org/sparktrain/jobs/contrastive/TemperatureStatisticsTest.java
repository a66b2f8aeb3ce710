package org.sparktrain.jobs.contrastive;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemperatureStatisticsTest {
    @Test
    void spearmanByHand() {
        // ranks x: 1 2 3 4; y: 2 1 4 3 -> d = (-1, 1, -1, 1), rho = 1 - 6*4/(4*15) = 0.6
        assertEquals(0.6, TemperatureStatistics.spearman(new double[]{1, 2, 3, 4}, new double[]{0.2, 0.1, 0.4, 0.3}),
                1e-12);
        assertEquals(-1, TemperatureStatistics.spearman(new double[]{10, 20, 30}, new double[]{3, 2, 1}), 1e-12);
        assertArrayEquals(new double[]{1.5, 1.5, 3}, TemperatureStatistics.ranks(new double[]{5, 5, 7}), 0);
        assertTrue(Double.isNaN(TemperatureStatistics.spearman(new double[]{5, 5}, new double[]{1, 2})));
    }

    @Test
    void histogramsAndMeansPerClass() {
        double[][] taus = {{0.12, 0.12, 0.32}, {0.7, 0.05}, {}};
        TemperatureStatistics s = new TemperatureStatistics(taus, List.of("a", "b", "c"), 0.05, 0.7, 13);
        assertEquals(0.56 / 3, s.mean(0), 1e-12);
        // bins of width 0.05 from 0.05: 0.12 -> bin 1, 0.32 -> bin 5, 0.7 -> last bin (12), 0.05 -> bin 0
        long[] h0 = s.histogram(0);
        assertEquals(2, h0[1]);
        assertEquals(1, h0[5]);
        long[] h1 = s.histogram(1);
        assertEquals(1, h1[0]);
        assertEquals(1, h1[12]);
        // sizes 3, 2 (class c is empty): larger class has the smaller mean tau -> -1
        assertEquals(-1, s.spearmanMeanTauVsClassSize(), 1e-12);
        JsonNode json = s.toJson();
        assertEquals(14, json.get("binEdges").size());
        assertEquals(0, json.get("perClass").get(2).get("count").asInt());
    }

    @Test
    void longTailClassSizes() {
        // 6000 * 100^(-k/9): 6000, 3601.9 -> 3602, ..., 60
        long[] keep = LongTailSubset.classSizes(new long[]{6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000,
                6000}, 100);
        assertEquals(6000, keep[0]);
        assertEquals(Math.round(6000 * Math.pow(100, -1.0 / 9)), keep[1]);
        assertEquals(60, keep[9]);
        assertEquals(100.0, (double) keep[0] / keep[9], 1e-12);
        for (int k = 1; k < 10; k++) {
            assertTrue(keep[k] < keep[k - 1]);
        }
    }
}

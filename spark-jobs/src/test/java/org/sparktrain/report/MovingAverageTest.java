package org.sparktrain.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MovingAverageTest {
    static Series series(double... y) {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = 10 * (i + 1);
        }
        return new Series("s", x, y);
    }

    @Test
    void centredMeanClippedAtTheEnds() {
        // window 3: (1+2)/2, (1+2+3)/3, (2+3+4)/3, (3+4+5)/3, (4+5)/2
        Series ma = MovingAverage.of(series(1, 2, 3, 4, 5), 3);
        assertArrayEquals(new double[]{1.5, 2, 3, 4, 4.5}, MetricsRecordsTest.ys(ma), 1e-12);
        assertArrayEquals(new double[]{10, 20, 30, 40, 50}, MetricsRecordsTest.xs(ma));
        // window 4: one point before, two after
        Series even = MovingAverage.of(series(4, 8, 0, 4, 8), 4);
        assertArrayEquals(new double[]{4, 4, 5, 4, 6}, MetricsRecordsTest.ys(even), 1e-12);
        assertArrayEquals(new double[]{1, 2, 3}, MetricsRecordsTest.ys(MovingAverage.of(series(1, 2, 3), 1)));
        assertThrows(IllegalArgumentException.class, () -> MovingAverage.of(series(1), 0));
    }

    @Test
    void jitteryCurvesAreNoisySmoothOnesAreNot() {
        double[] smooth = new double[100];
        double[] jitter = new double[100];
        for (int i = 0; i < 100; i++) {
            smooth[i] = Math.exp(-i / 30.0);
            jitter[i] = smooth[i] + (i % 2 == 0 ? 0.05 : -0.05);
        }
        assertFalse(MovingAverage.isNoisy(series(smooth)));
        assertTrue(MovingAverage.isNoisy(series(jitter)));
        assertFalse(MovingAverage.isNoisy(series(1, -1, 1, -1, 1, -1)), "too few points");
        assertEquals(5, MovingAverage.defaultWindow(40));
        assertEquals(10, MovingAverage.defaultWindow(200));
    }

    @Test
    void decimationKeepsExtremesAndOrder() {
        double[] y = new double[1000];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.sin(i / 10.0);
        }
        y[503] = 42;
        y[777] = -42;
        Series s = series(y);
        Series d = s.decimated(100);
        assertTrue(d.size() <= 100, "size " + d.size());
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < d.size(); i++) {
            max = Math.max(max, d.y(i));
            min = Math.min(min, d.y(i));
            if (i > 0) {
                assertTrue(d.x(i) > d.x(i - 1), "x increasing at " + i);
            }
        }
        assertEquals(42, max);
        assertEquals(-42, min);
        assertSame(s, s.decimated(1000));
        assertThrows(IllegalArgumentException.class, () -> new Series("bad", new double[2], new double[3]));
    }
}

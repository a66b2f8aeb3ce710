package org.sparktrain.zoo.grownet;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GrowNetTaskTest {
    @Test
    void binaryNewtonTargetsMatchHandComputation() {
        // y = +1, F = 0: p = 1/2, g = -1/2, h = 1/4, target = -g/h = 2 = y (1 + e^0)
        GrowNetTask.Target t = GrowNetTask.BINARY.target(1, 0, true);
        assertEquals(2.0, t.target(), 1e-15);
        assertEquals(0.25, t.weight(), 1e-15);
        // y = -1, F = ln 3: e^{yF} = 1/3, g = -y/(1 + 1/3) = 3/4, h = 1/((4/3)(4)) = 3/16, target = -(3/4)/(3/16) = -4
        t = GrowNetTask.BINARY.target(-1, Math.log(3), true);
        assertEquals(-4.0, t.target(), 1e-12);
        assertEquals(3.0 / 16, t.weight(), 1e-15);
        // first order: target = -g = -3/4, weight 1
        t = GrowNetTask.BINARY.target(-1, Math.log(3), false);
        assertEquals(-0.75, t.target(), 1e-15);
        assertEquals(1.0, t.weight(), 0);
    }

    @Test
    void regressionTargetIsTheResidual() {
        GrowNetTask.Target t = GrowNetTask.REGRESSION.target(2.5, 1.0, true);
        assertEquals(1.5, t.target(), 0);
        assertEquals(1.0, t.weight(), 0);
        assertEquals(t, GrowNetTask.REGRESSION.target(2.5, 1.0, false));
    }

    @Test
    void gradientAndHessianAreTheDerivativesOfTheLoss() {
        double eps = 1e-4;
        for (double y : new double[]{-1, 1}) {
            for (double f : new double[]{-3, -0.4, 0, 0.7, 2.5}) {
                GrowNetTask b = GrowNetTask.BINARY;
                double fd1 = (b.loss(y, f + eps) - b.loss(y, f - eps)) / (2 * eps);
                double fd2 = (b.loss(y, f + eps) - 2 * b.loss(y, f) + b.loss(y, f - eps)) / (eps * eps);
                assertEquals(fd1, b.lossGradient(y, f), 1e-8);
                GrowNetTask.Target t = b.target(y, f, true);
                assertEquals(fd2, t.weight(), 1e-6);
                assertEquals(-fd1 / fd2, t.target(), 1e-4 * Math.abs(t.target()));
            }
        }
        GrowNetTask r = GrowNetTask.REGRESSION;
        assertEquals(((2 - 1.3) * (2 - 1.3) - (2 - 1.1) * (2 - 1.1)) / 0.2, r.lossGradient(2, 1.2), 1e-12);
    }

    @Test
    void initialScoresAndLabels() {
        // 3 positives, 1 negative: label sum 2, c0 = log 3
        assertEquals(Math.log(3), GrowNetTask.BINARY.initialScore(2, 4), 1e-15);
        assertEquals(1.25, GrowNetTask.REGRESSION.initialScore(5, 4), 0);
        assertEquals(-1, GrowNetTask.BINARY.canonicalLabel(0, "row 1"), 0);
        assertEquals(1, GrowNetTask.BINARY.canonicalLabel(1, "row 1"), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GrowNetTask.BINARY.canonicalLabel(2, "row 7"));
        assertEquals("row 7: binary label must be 0/1 or -1/+1, got 2.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GrowNetTask.BINARY.initialScore(4, 4));
    }
}

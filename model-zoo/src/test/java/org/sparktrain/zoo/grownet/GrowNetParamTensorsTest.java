package org.sparktrain.zoo.grownet;

import org.junit.jupiter.api.Test;
import org.sparktrain.zoo.ParamTensors;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GrowNet's parameter tensors (L-DoG's per-tensor layout) against the learners' Xavier initialisation, which does not
 * use them: every bias (b1, b2, bOut) is 0.01, every BatchNorm γ 1 and β 0, every weight tensor has another value.
 */
class GrowNetParamTensorsTest {
    @Test
    void stackedLearnerTensorsMatchTheInitialisation() {
        WeakLearner first = WeakLearner.create(5, 4, false, 1, true);
        WeakLearner second = WeakLearner.create(5, 4, true, 2, true);
        ParamTensors t = new ParamTensors();
        first.tensors("a", t);
        assertEquals(List.of(20L, 4L, 4L, 4L, 16L, 4L, 4L, 1L), t.lengths());
        assertEquals(first.params().length, t.total());
        check(t, first.params());
        ParamTensors s = new ParamTensors();
        second.tensors("b", s);
        assertEquals(List.of("b.W1", "b.b1", "b.gamma1", "b.beta1", "b.W2", "b.b2", "b.wOut", "b.bOut", "b.gamma0",
                "b.beta0"), s.names());
        assertEquals(9L * 4, s.lengths().get(0)); // the stacked learner's input is x (5) and the previous φ (4)
        assertEquals(second.params().length, s.total());
        check(s, second.params());
    }

    private static void check(ParamTensors t, double[] p) {
        int at = 0;
        for (int i = 0; i < t.names().size(); i++) {
            String kind = t.names().get(i).substring(t.names().get(i).indexOf('.') + 1);
            int to = at + (int) (long) t.lengths().get(i);
            boolean other = false;
            for (int k = at; k < to; k++) {
                switch (kind) {
                    case "b1", "b2", "bOut" -> assertEquals(0.01, p[k], 0.0, t.names().get(i));
                    case "gamma1", "gamma0" -> assertEquals(1.0, p[k], 0.0, t.names().get(i));
                    case "beta1", "beta0" -> assertEquals(0.0, p[k], 0.0, t.names().get(i));
                    default -> other |= p[k] != 0.01 && p[k] != 1 && p[k] != 0;
                }
            }
            assertTrue(other || !kind.startsWith("W") && !kind.equals("wOut"), t.names().get(i) + " has no weight");
            at = to;
        }
    }
}

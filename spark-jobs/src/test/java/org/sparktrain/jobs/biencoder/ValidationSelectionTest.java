package org.sparktrain.jobs.biencoder;

import org.junit.jupiter.api.Test;
import org.sparktrain.engine.EngineState;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ValidationSelectionTest {
    /** A state at {@code step} whose live parameters are {-1} and whose evaluation point is {step}. */
    private static EngineState state(long step) {
        return new EngineState(step, 0, 0, new float[]{-1f}, new float[0], new float[0], new float[]{step});
    }

    @Test
    void keepsTheEvaluationPointWithTheHighestScoreAndTheEarlierOfTies() {
        // score of the point {step}: 20 -> 0.30, 40 -> 0.50, 60 -> 0.50 (tie), 80 -> 0.40
        List<String> seen = new ArrayList<>();
        ValidationSelection s = new ValidationSelection(p -> switch ((int) p[0]) {
            case 20 -> 0.30;
            case 40, 60 -> 0.50;
            default -> 0.40;
        }, (point, best, sel) -> seen.add(point.step() + (best ? "*" : "")));
        assertThrows(IllegalStateException.class, s::bestParams);
        for (long step : new long[]{20, 40, 60, 80}) {
            s.onCheckpoint(state(step), "ckpt");
        }
        assertEquals(List.of("20*", "40*", "60", "80"), seen);
        assertEquals(40, s.bestStep());
        assertEquals(0.50, s.bestScore());
        // the evaluation point (not the live parameters) of step 40
        assertArrayEquals(new float[]{40f}, s.bestParams());
        assertEquals(List.of(new ValidationSelection.Point(20, 0.30), new ValidationSelection.Point(40, 0.50),
                new ValidationSelection.Point(60, 0.50), new ValidationSelection.Point(80, 0.40)), s.curve());
    }

    @Test
    void keepsACopyOfTheBestParameters() {
        ValidationSelection s = new ValidationSelection(p -> p[0], null);
        EngineState st = state(7);
        s.onCheckpoint(st, "ckpt");
        st.evalParams()[0] = 99f; // the engine's array changes later
        assertArrayEquals(new float[]{7f}, s.bestParams());
        s.bestParams()[0] = 5f;
        assertArrayEquals(new float[]{7f}, s.bestParams());
    }

    @Test
    void aResumedRunContinuesTheCurveAndSkipsTheStepItResumedAt() {
        List<Long> scored = new ArrayList<>();
        ValidationSelection s = new ValidationSelection(p -> {
            scored.add((long) p[0]);
            return p[0] == 60 ? 0.9 : 0.1;
        }, null);
        s.restore(List.of(new ValidationSelection.Point(20, 0.2), new ValidationSelection.Point(40, 0.6)),
                new float[]{40f});
        assertEquals(40, s.bestStep());
        s.onCheckpoint(state(40), "ckpt"); // already on the curve
        s.onCheckpoint(state(50), "ckpt");
        assertEquals(40, s.bestStep());
        assertArrayEquals(new float[]{40f}, s.bestParams());
        s.onCheckpoint(state(60), "ckpt");
        assertEquals(List.of(50L, 60L), scored);
        assertEquals(60, s.bestStep());
        assertArrayEquals(new float[]{60f}, s.bestParams());
        assertEquals(4, s.curve().size());
    }
}

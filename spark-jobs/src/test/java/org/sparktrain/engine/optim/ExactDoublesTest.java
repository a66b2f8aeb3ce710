package org.sparktrain.engine.optim;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Doubles survive the float-only optimizer state bit for bit, and a corrupted chunk is detected. */
class ExactDoublesTest {
    @Test
    void everyDoubleRoundTripsBitForBit() {
        double[] special = {0.0, -0.0, 1.0, -1.0, 1e-6, Math.PI, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.longBitsToDouble(0x7ff0000000000001L),
                Double.longBitsToDouble(0xfff8000000000123L)};
        Random rng = new Random(1);
        float[] buf = new float[ExactDoubles.FLOATS + 2];
        for (int i = 0; i < special.length + 10000; i++) {
            double v = i < special.length ? special[i] : Double.longBitsToDouble(rng.nextLong());
            ExactDoubles.encode(v, buf, 1);
            for (int j = 1; j <= ExactDoubles.FLOATS; j++) {
                assertTrue(!Float.isNaN(buf[j]) && buf[j] >= 0 && buf[j] < (1 << 22) && buf[j] == Math.rint(buf[j]),
                        "chunk is a small non-negative integer: " + buf[j]);
            }
            assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(ExactDoubles.decode(buf, 1)),
                    "bits of " + v);
        }
    }

    @Test
    void aValueThatIsNotAChunkIsRejected() {
        float[] buf = new float[3];
        ExactDoubles.encode(0.5, buf, 0);
        buf[1] += 0.5f;
        assertThrows(IllegalArgumentException.class, () -> ExactDoubles.decode(buf, 0));
        buf[1] = -1;
        assertThrows(IllegalArgumentException.class, () -> ExactDoubles.decode(buf, 0));
        buf[1] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> ExactDoubles.decode(buf, 0));
    }
}

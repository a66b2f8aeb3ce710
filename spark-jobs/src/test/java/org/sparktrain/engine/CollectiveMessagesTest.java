package org.sparktrain.engine;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The SUM messages' wire format: sizes from the format in CollectiveMessages' Javadoc, and exact round trips. */
class CollectiveMessagesTest {
    static final float[] FLOATS = {1.5f, -0f, Float.MIN_VALUE, 3e38f};
    static final double[] DOUBLES = {Math.PI, -1e-300};

    @Test
    void sumRequestCarriesHeaderAndBody() {
        CollectiveMessages.Header h = new CollectiveMessages.Header(CollectiveMessages.OP_SUM, 7, 2, 1, 3, 11, 99);
        ByteBuffer b = CollectiveMessages.sumRequest(h, FLOATS, DOUBLES);
        assertEquals(CollectiveMessages.HEADER + 4 + 4 + 4 * 4 + 8 * 2, b.remaining());
        assertEquals(h, CollectiveMessages.readHeader(b));
        Collective.Reduced body = CollectiveMessages.readSumBody(b);
        assertArrayEquals(FLOATS, body.floats());
        assertArrayEquals(DOUBLES, body.doubles());
        assertEquals(0, b.remaining());
    }

    @Test
    void sumResponseRoundTrips() {
        ByteBuffer b = CollectiveMessages.sumResponse(FLOATS, DOUBLES);
        assertEquals(4 + 4 + 4 * 4 + 8 * 2, b.remaining());
        Collective.Reduced r = CollectiveMessages.readSumResponse(b);
        assertArrayEquals(FLOATS, r.floats());
        assertArrayEquals(DOUBLES, r.doubles());
        ByteBuffer empty = CollectiveMessages.sumResponse(new float[0], new double[0]);
        assertEquals(8, empty.remaining());
        assertEquals(0, CollectiveMessages.readSumResponse(empty).floats().length);
    }
}

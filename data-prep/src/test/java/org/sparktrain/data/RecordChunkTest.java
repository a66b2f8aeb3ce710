package org.sparktrain.data;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordChunkTest {
    @Test
    void packedSlicesDecodeToTheSameRecordsWithConsecutiveIds() throws Exception {
        RecordChunk chunk = new RecordChunk(3, 2000); // grows past its initial 1024 records
        chunk.reset(500);
        for (int i = 0; i < 1500; i++) {
            chunk.add(new float[] {i, -i, i / 7f}, i % 11);
        }
        assertFalse(chunk.isFull());
        List<byte[]> slices = chunk.pack(4);
        assertEquals(4, slices.size());
        List<Row> rows = new ArrayList<>();
        for (byte[] slice : slices) {
            new RecordChunk.Decoder().call(slice).forEachRemaining(rows::add);
        }
        assertEquals(1500, rows.size());
        for (int i = 0; i < 1500; i++) {
            Row r = rows.get(i);
            assertEquals(500L + i, r.getLong(0));
            assertArrayEquals(new float[] {i, -i, i / 7f}, (float[]) r.get(1));
            assertEquals(i % 11, r.getInt(2));
        }
    }

    @Test
    void emptyAndTinyChunksPackIntoFewSlices() throws Exception {
        RecordChunk chunk = new RecordChunk(2, 2);
        chunk.reset(9);
        List<byte[]> empty = chunk.pack(8);
        assertEquals(1, empty.size());
        assertFalse(new RecordChunk.Decoder().call(empty.get(0)).hasNext());

        chunk.add(new float[] {1, 2}, 0);
        chunk.add(new float[] {3, 4}, 1);
        assertTrue(chunk.isFull());
        List<byte[]> two = chunk.pack(8);
        assertEquals(2, two.size());
        Iterator<Row> second = new RecordChunk.Decoder().call(two.get(1));
        Row r = second.next();
        assertEquals(10L, r.getLong(0));
        assertArrayEquals(new float[] {3, 4}, (float[]) r.get(1));
        assertFalse(second.hasNext());
    }
}

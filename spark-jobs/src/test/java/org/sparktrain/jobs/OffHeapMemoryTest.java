package org.sparktrain.jobs;

import org.junit.jupiter.api.Test;
import org.sparktrain.data.BadInputException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffHeapMemoryTest {
    static final long MIB = 1L << 20;

    @Test
    void derivesLimitsFromHeapAndOverhead() {
        OffHeapMemory.Settings s = OffHeapMemory.derive("2g", "2g");
        assertEquals(2048 * MIB, s.heapBytes());
        assertEquals(2048 * MIB, s.overheadBytes());
        assertEquals(1717986918L, s.maxBytes());
        assertEquals(4187593113L, s.maxPhysicalBytes());
        assertEquals("-Dorg.bytedeco.javacpp.maxbytes=1717986918 -Dorg.bytedeco.javacpp.maxphysicalbytes=4187593113",
                s.javaOptions());
    }

    @Test
    void defaultOverheadIsTheLargerOfOneGibAndTheHeap() {
        assertEquals(1024 * MIB, OffHeapMemory.derive("512m", null).overheadBytes());
        assertEquals(4096 * MIB, OffHeapMemory.derive("4g", null).overheadBytes());
        assertEquals(1536 * MIB, OffHeapMemory.derive("1536", null).overheadBytes(), "plain numbers are MiB as in Spark");
    }

    @Test
    void tooLittleOffHeapFailsNamingTheSettingToRaise() {
        OffHeapMemory.Settings small = OffHeapMemory.derive("1g", "300m");
        BadInputException e = assertThrows(BadInputException.class,
                () -> OffHeapMemory.requireFits(small, 10_000_000, "LeNet-5"));
        assertTrue(e.getMessage().contains("raise spark.executor.memoryOverhead (now 300 MiB"), e.getMessage());
        OffHeapMemory.requireFits(OffHeapMemory.derive("1g", "2g"), 10_000_000, "LeNet-5");
        assertThrows(BadInputException.class, () -> OffHeapMemory.parse("lots"));
    }
}

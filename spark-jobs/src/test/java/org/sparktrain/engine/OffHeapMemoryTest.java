package org.sparktrain.engine;

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

    @Test
    void theEngineChecksTheLimitTheExecutorsReallyHave() {
        org.apache.spark.SparkConf cluster = new org.apache.spark.SparkConf().set("spark.master", "spark://h:7077")
                .set("spark.executor.memory", "1g").set("spark.executor.memoryOverhead", "300m");
        BadInputException derived = assertThrows(BadInputException.class,
                () -> OffHeapMemory.requireFitsOnExecutors(cluster, 10_000_000, "m"));
        assertTrue(derived.getMessage().contains("spark.executor.memoryOverhead (now 300 MiB"), derived.getMessage());
        // an explicit executor limit wins over the derived one: 2 GiB holds 8 * 4 B * 10M + 256 MiB = 561 MiB
        cluster.set("spark.executor.extraJavaOptions", "--add-opens x -Dorg.bytedeco.javacpp.maxbytes=2g -Dy=1");
        OffHeapMemory.requireFitsOnExecutors(cluster, 10_000_000, "m");
        cluster.set("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.maxbytes=524288000");
        BadInputException explicit = assertThrows(BadInputException.class,
                () -> OffHeapMemory.requireFitsOnExecutors(cluster, 10_000_000, "m"));
        assertTrue(explicit.getMessage().contains("needs at least ~561 MiB") && explicit.getMessage().contains(
                "limit is 500 MiB: raise -Dorg.bytedeco.javacpp.maxbytes in spark.executor.extraJavaOptions"),
                explicit.getMessage());
        // local mode: the driver JVM is the executor; its JavaCPP limit (set by the surefire argLine) is read
        org.apache.spark.SparkConf local = new org.apache.spark.SparkConf().set("spark.master", "local[2]");
        long limit = org.bytedeco.javacpp.Pointer.maxBytes();
        OffHeapMemory.requireFitsOnExecutors(local, (limit / 2 - 256 * MIB) / 32, "fits");
        BadInputException driver = assertThrows(BadInputException.class,
                () -> OffHeapMemory.requireFitsOnExecutors(local, limit / 32, "too big"));
        assertTrue(driver.getMessage().contains("SPARKTRAIN_OFFHEAP"), driver.getMessage());
    }
}

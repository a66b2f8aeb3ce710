package org.sparktrain.zoo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops glibc's malloc from returning freed memory to the kernel on every native op, once per JVM.
 *
 * <p>Why: libnd4j's oneDNN kernels allocate and free temporary buffers of a few MB on every call (for example the
 * 3.2 MB re-ordered kernel of LeNet-5's first-layer weight gradient). JVM threads allocate from glibc's secondary
 * arenas, whose heaps are at most 64 MB; once a thread's heap is full, each such call creates a new 64 MB heap
 * (mmap), touches ~800 fresh pages and deletes the heap again (munmap) when the buffer is freed. Measured with
 * strace and /proc/self/stat: 780 page faults and ~12 ms per call instead of ~0.6 ms, and whether a process
 * lands in that state depends on its allocation history, so the same benchmark ran 1x or 10x slower from run to
 * run. Three {@code mallopt} settings remove it:
 * <ul>
 *   <li>{@code M_TOP_PAD} = 64 MB: {@code heap_trim} keeps an emptied heap when the previous one has less than
 *       that free, so the next call reuses it;</li>
 *   <li>{@code M_TRIM_THRESHOLD} = 1 GB: free memory at the top of a heap is not handed back;</li>
 *   <li>{@code M_MMAP_THRESHOLD} = 32 MB (glibc's maximum): blocks below that come from the heaps, not from a
 *       fresh mmap per allocation.</li>
 * </ul>
 * The same settings can be given before start-up as the environment variables {@code MALLOC_TOP_PAD_},
 * {@code MALLOC_TRIM_THRESHOLD_} and {@code MALLOC_MMAP_THRESHOLD_}. The cost is that freed native memory stays
 * in the process for reuse. Off glibc (no {@code mallopt}), or with {@code -Dsparktrain.mallopt=false}, this does
 * nothing. The call goes through JNA, which ND4J already brings.
 */
public final class NativeAllocatorTuning {
    private static final Logger LOG = LoggerFactory.getLogger(NativeAllocatorTuning.class);
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_THRESHOLD = -3;
    private static boolean applied;
    private static boolean attempted;

    private NativeAllocatorTuning() {
    }

    /** Applies the settings once per JVM; returns whether they are in effect. Never throws. */
    public static synchronized boolean apply() {
        if (attempted) {
            return applied;
        }
        attempted = true;
        if (!Boolean.parseBoolean(System.getProperty("sparktrain.mallopt", "true"))) {
            LOG.info("native allocator tuning disabled by -Dsparktrain.mallopt=false");
            return false;
        }
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return false;
        }
        try {
            com.sun.jna.Function mallopt = com.sun.jna.NativeLibrary.getInstance("c").getFunction("mallopt");
            boolean ok = mallopt.invokeInt(new Object[]{M_MMAP_THRESHOLD, 32 << 20}) == 1;
            ok &= mallopt.invokeInt(new Object[]{M_TRIM_THRESHOLD, 1 << 30}) == 1;
            ok &= mallopt.invokeInt(new Object[]{M_TOP_PAD, 64 << 20}) == 1;
            applied = ok;
            LOG.debug("glibc mallopt M_MMAP_THRESHOLD=32M M_TRIM_THRESHOLD=1G M_TOP_PAD=64M: {}", ok ? "applied" : "rejected");
        } catch (Throwable t) {
            LOG.debug("glibc mallopt not available, native allocator left as is: {}", t.toString());
        }
        return applied;
    }
}

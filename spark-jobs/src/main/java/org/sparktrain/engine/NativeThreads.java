package org.sparktrain.engine;

import org.apache.spark.TaskContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets how many native threads ND4J (OpenMP ops and OpenBLAS) uses. Inside a Spark task the default is the task's
 * CPUs ({@code spark.task.cpus}), so concurrent tasks in one executor (or in local mode) do not oversubscribe the
 * cores; outside Spark it is every core.
 */
public final class NativeThreads {
    private NativeThreads() {
    }

    /** @param configured threads to use, or 0 for the default described above */
    public static int configure(int configured) {
        int threads = configured;
        if (threads <= 0) {
            TaskContext task = TaskContext.get();
            threads = task == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, task.cpus());
        }
        if (Nd4j.getEnvironment().maxThreads() != threads) {
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.factory().blas().setMaxThreads(threads);
        }
        return threads;
    }
}

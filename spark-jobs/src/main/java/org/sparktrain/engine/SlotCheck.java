package org.sparktrain.engine;

import org.apache.spark.SparkContext;
import org.apache.spark.SparkStatusTracker;
import org.sparktrain.data.BadInputException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes sure the cluster can run all workers at once (a barrier stage needs one task slot per worker) before
 * training starts: in local mode it checks {@code local[N]}; on a cluster it waits up to
 * {@code engine.executorWaitSeconds} for enough executor cores to register and then fails with a clear message
 * instead of hanging.
 */
final class SlotCheck {
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\*|\\d+)(?:,\\s*\\d+)?]");

    private SlotCheck() {
    }

    static void awaitSlots(SparkContext sc, int workers, int waitSeconds) {
        String master = sc.master();
        int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
        if (master.startsWith("local")) {
            int cores = localCores(master);
            if (cores / taskCpus < workers) {
                throw new BadInputException("engine.workers = " + workers + " needs " + workers + " task slots but "
                        + master + " has " + cores / taskCpus + "; use --master local[" + workers * taskCpus
                        + "] or fewer workers");
            }
            return;
        }
        int coresPerExecutor = sc.getConf().getInt("spark.executor.cores", 1);
        long deadline = System.currentTimeMillis() + waitSeconds * 1000L;
        int slots = 0;
        while (System.currentTimeMillis() < deadline) {
            SparkStatusTracker tracker = sc.statusTracker();
            int executors = Math.max(0, tracker.getExecutorInfos().length - 1); // minus the driver
            slots = executors * (coresPerExecutor / taskCpus);
            if (slots >= workers) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new BadInputException("waited " + waitSeconds + " s for " + workers + " executor task slots on "
                + master + " but only " + slots + " are available (executors x spark.executor.cores / spark.task.cpus);"
                + " start more workers/executors, lower engine.workers, or raise engine.executorWaitSeconds");
    }

    static int localCores(String master) {
        if (master.equals("local")) {
            return 1;
        }
        Matcher m = LOCAL.matcher(master);
        if (!m.matches()) {
            return Runtime.getRuntime().availableProcessors();
        }
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }
}

package org.sparktrain.engine;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Binds a worker's ND4J to the GPU Spark assigned to its task ({@code spark.task.resource.gpu.amount} with a
 * discovery script): the first address of the task's {@code gpu} resource becomes the ND4J device of the calling
 * thread. Without a GPU resource (CPU executors, local mode) nothing happens. With the CPU backend the choice is only
 * logged. Not yet verified on GPU hardware; the address selection is unit-tested with fake resource maps.
 */
public final class GpuBinding {
    private static final Logger LOG = LoggerFactory.getLogger(GpuBinding.class);

    private GpuBinding() {
    }

    /** The device index to use given a task's resources: the first {@code gpu} address, if any. */
    public static OptionalInt deviceFor(Map<String, ResourceInformation> resources) {
        ResourceInformation gpu = resources == null ? null : resources.get("gpu");
        if (gpu == null || gpu.addresses().length == 0) {
            return OptionalInt.empty();
        }
        String address = gpu.addresses()[0].trim();
        try {
            return OptionalInt.of(Integer.parseInt(address));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("GPU address '" + address + "' assigned by Spark is not a device index; "
                    + "the discovery script must print indexes such as \"0\"", e);
        }
    }

    /** Binds the current task thread; returns the device used, if any. */
    public static OptionalInt bindCurrentTask() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return OptionalInt.empty();
        }
        OptionalInt device = deviceFor(scala.collection.JavaConverters.mapAsJavaMap(task.resources()));
        if (device.isPresent()) {
            String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend", "");
            if ("CUDA".equalsIgnoreCase(backend)) {
                Nd4j.getAffinityManager().unsafeSetDevice(device.getAsInt());
                LOG.info("task {} bound to GPU {}", task.partitionId(), device.getAsInt());
            } else {
                LOG.warn("task {} was assigned GPU {} but the ND4J backend is {} (build with -Dcuda)",
                        task.partitionId(), device.getAsInt(), backend);
            }
        }
        return device;
    }
}

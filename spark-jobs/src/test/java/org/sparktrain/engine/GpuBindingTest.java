package org.sparktrain.engine;

import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** GPU address selection from the resource maps Spark gives a task (fake maps: no GPU here). */
class GpuBindingTest {
    @Test
    void firstAssignedGpuAddressIsTheDevice() {
        assertEquals(OptionalInt.of(3), GpuBinding.deviceFor(Map.of("gpu", new ResourceInformation("gpu", new String[]{"3", "5"}))));
        assertEquals(OptionalInt.of(0), GpuBinding.deviceFor(Map.of("gpu", new ResourceInformation("gpu", new String[]{" 0 "}),
                "fpga", new ResourceInformation("fpga", new String[]{"f1"}))));
    }

    @Test
    void noGpuResourceMeansNoBinding() {
        assertEquals(OptionalInt.empty(), GpuBinding.deviceFor(Map.of()));
        assertEquals(OptionalInt.empty(), GpuBinding.deviceFor(null));
        assertEquals(OptionalInt.empty(), GpuBinding.deviceFor(Map.of("gpu", new ResourceInformation("gpu", new String[0]))));
        assertEquals(OptionalInt.empty(), GpuBinding.bindCurrentTask(), "outside a Spark task");
    }

    @Test
    void nonNumericAddressesAreRejectedWithAMessage() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GpuBinding.deviceFor(Map.of("gpu", new ResourceInformation("gpu", new String[]{"GPU-8a3f"}))));
        assertEquals(true, e.getMessage().contains("GPU-8a3f"));
    }
}

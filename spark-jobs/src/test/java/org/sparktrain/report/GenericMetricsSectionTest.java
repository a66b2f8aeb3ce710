package org.sparktrain.report;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GenericMetricsSectionTest {
    @Test
    void fieldKindsFlattenObjectsAndClassifyArrays() throws IOException {
        MetricsRecords m = MetricsRecordsTest.parse("""
                {"type":"t","step":1,"epoch":0,"time":"x","lr":null,"stats":{"a":1,"b":{"c":"NaN"}},"v":[1,2],"n":[[1]],"s":["x"],"note":"hi"}
                {"type":"t","step":2,"epoch":0,"lr":0.1,"v":[1,2,3]}
                """);
        Map<String, GenericMetricsSection.Kind> kinds = GenericMetricsSection.fieldKinds(m.ofType("t"));
        assertEquals(Map.of(
                "lr", new GenericMetricsSection.Kind(GenericMetricsSection.Category.NUMBER, 0),
                "stats.a", new GenericMetricsSection.Kind(GenericMetricsSection.Category.NUMBER, 0),
                "stats.b.c", new GenericMetricsSection.Kind(GenericMetricsSection.Category.NUMBER, 0),
                "v", new GenericMetricsSection.Kind(GenericMetricsSection.Category.NUMBER_ARRAY, 3),
                "n", new GenericMetricsSection.Kind(GenericMetricsSection.Category.NESTED_ARRAY, 0),
                "s", new GenericMetricsSection.Kind(GenericMetricsSection.Category.OTHER_ARRAY, 1),
                "note", new GenericMetricsSection.Kind(GenericMetricsSection.Category.TEXT, 0)), kinds);
        assertEquals("lr", kinds.keySet().iterator().next(), "order of first appearance; step/epoch/time are axes");
    }
}

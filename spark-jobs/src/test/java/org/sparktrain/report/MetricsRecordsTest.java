package org.sparktrain.report;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsRecordsTest {
    static MetricsRecords parse(String text) throws IOException {
        return MetricsRecords.parse(new BufferedReader(new StringReader(text)), "metrics.jsonl");
    }

    static double[] xs(Series s) {
        double[] x = new double[s.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = s.x(i);
        }
        return x;
    }

    static double[] ys(Series s) {
        double[] y = new double[s.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = s.y(i);
        }
        return y;
    }

    @Test
    void truncatedLastLineIsSkippedAndCounted() throws IOException {
        MetricsRecords m = parse("""
                {"type":"train","step":1,"epoch":0,"loss":2.0}
                {"type":"train","step":2,"epoch":0,"loss":1.5}
                {"type":"train","step":3,"epo""");
        assertEquals(2, m.size());
        assertEquals(1, m.skippedLines());
        assertEquals(1, m.skippedDetails().size());
        assertTrue(m.skippedDetails().get(0).startsWith("metrics.jsonl line 3: not valid JSON"), m.skippedDetails().get(0));
    }

    @Test
    void corruptLinesAnywhereAreSkippedBlankLinesIgnored() throws IOException {
        MetricsRecords m = parse("""
                {"type":"train","step":1,"loss":2.0}

                garbage
                [1,2,3]
                {"step":4,"loss":1.0}
                {"type":"train","step":5,"loss":1.0} trailing
                {"type":"train","step":6,"loss":0.5}
                """);
        assertEquals(2, m.size());
        assertEquals(4, m.skippedLines());
        assertTrue(m.skippedDetails().get(0).startsWith("metrics.jsonl line 3:"));
        assertTrue(m.skippedDetails().get(1).contains("line 4: not a JSON object with a string \"type\""));
        assertArrayEquals(new double[]{1, 6}, xs(m.series("train", "loss")));
    }

    @Test
    void nonFiniteValuesAreReadButLeftOutOfSeries() throws IOException {
        MetricsRecords m = parse("""
                {"type":"train","step":10,"loss":"NaN"}
                {"type":"train","step":20,"loss":NaN}
                {"type":"train","step":30,"loss":0.5}
                {"type":"train","step":40,"loss":"Infinity"}
                {"type":"train","step":50,"loss":"high"}
                """);
        assertEquals(5, m.size());
        assertEquals(0, m.skippedLines());
        Series loss = m.series("train", "loss");
        assertArrayEquals(new double[]{30}, xs(loss));
        assertArrayEquals(new double[]{0.5}, ys(loss));
        assertEquals(0.5, m.last("train", "loss").getAsDouble());
        assertTrue(m.last("train", "accuracy").isEmpty());
    }

    @Test
    void axisIsStepThenEpochThenRecordOrder() throws IOException {
        MetricsRecords m = parse("""
                {"type":"a","step":5,"epoch":0,"v":1}
                {"type":"a","step":9,"epoch":0,"v":2}
                {"type":"b","epoch":0,"v":3}
                {"type":"b","epoch":1,"step":7,"v":4}
                {"type":"c","v":5}
                {"type":"c","epoch":3,"v":6}
                """);
        assertEquals(MetricsRecords.Axis.STEP, m.axis("a"));
        assertEquals(MetricsRecords.Axis.EPOCH, m.axis("b"));
        assertEquals(MetricsRecords.Axis.RECORD, m.axis("c"));
        assertArrayEquals(new double[]{5, 9}, xs(m.series("a", "v")));
        assertArrayEquals(new double[]{0, 1}, xs(m.series("b", "v")));
        assertArrayEquals(new double[]{0, 1}, xs(m.series("c", "v")));
        assertEquals(List.of("a", "b", "c"), List.copyOf(m.types()));
    }

    @Test
    void nestedFieldsArrayElementsStepsAndEpochs() throws IOException {
        MetricsRecords m = parse("""
                {"type":"moe","step":10,"epoch":0,"stats":{"maxVio":0.5},"load":[3,4]}
                {"type":"moe","step":20,"epoch":0,"stats":{"maxVio":0.25},"load":[5]}
                {"type":"moe","step":30,"epoch":1,"stats":{"maxVio":0.125},"load":[6,7]}
                {"type":"validation","step":25,"epoch":1,"accuracy":0.9}
                """);
        assertArrayEquals(new double[]{0.5, 0.25, 0.125}, ys(m.series("moe", "stats.maxVio")));
        Series second = m.elementSeries("moe", "load", 1);
        assertArrayEquals(new double[]{10, 30}, xs(second));
        assertArrayEquals(new double[]{4, 7}, ys(second));
        assertEquals(30, m.maxStep());
        assertEquals(Set.of(0, 1), m.epochs());
        assertEquals(List.of(20.0, 30.0), m.epochEndSteps());
    }

    @Test
    void emptyHasNothing() {
        MetricsRecords m = MetricsRecords.empty();
        assertEquals(0, m.size());
        assertEquals(-1, m.maxStep());
        assertTrue(m.series("train", "loss").isEmpty());
        assertEquals(MetricsRecords.Axis.RECORD, m.axis("train"));
    }
}

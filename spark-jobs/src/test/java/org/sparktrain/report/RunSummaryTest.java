package org.sparktrain.report;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunSummaryTest {
    @Test
    void timeAndThroughputAreTimeWeightedAcrossAResume() throws IOException {
        // attempt 1: elapsed 10, 20, 30; resumed attempt 2: elapsed 5, 15
        // dt = 10, 10, 10, 5, 10 -> 45 s; samples = 100*10 + 200*10 + 300*10 + 400*5 + 500*10 = 13000
        MetricsRecords m = MetricsRecordsTest.parse("""
                {"type":"train","step":100,"epoch":0,"loss":2.0,"samplesPerSecond":100,"elapsedSeconds":10}
                {"type":"train","step":200,"epoch":0,"loss":1.0,"samplesPerSecond":200,"elapsedSeconds":20}
                {"type":"train","step":300,"epoch":1,"loss":0.8,"samplesPerSecond":300,"elapsedSeconds":30}
                {"type":"validation","step":300,"epoch":1,"accuracy":0.7,"loss":0.9}
                {"type":"train","step":400,"epoch":1,"loss":0.6,"samplesPerSecond":400,"elapsedSeconds":5}
                {"type":"train","step":500,"epoch":2,"loss":0.5,"samplesPerSecond":500,"elapsedSeconds":15}
                {"type":"validation","step":500,"epoch":2,"accuracy":0.8,"loss":0.7}
                """);
        RunSummary s = RunSummary.of(m, null);
        assertEquals(45.0, s.trainingSeconds(), 1e-12);
        assertEquals(13000.0 / 45, s.meanSamplesPerSecond(), 1e-9);
        assertEquals(2, s.attempts());
        assertEquals(RunSummary.FROM_TRAIN, s.timeSource());
        assertEquals(0.5, s.finalTrainLoss());
        assertEquals(0.8, s.finalValidationAccuracy());
        assertEquals(0.7, s.finalValidationLoss());
        assertEquals(500, s.steps());
        assertEquals(3, s.epochs());
        assertNull(s.testSplit());
        assertTrue(Double.isNaN(s.testAccuracy()));
    }

    @Test
    void epochRecordsThenSummaryRecordAreFallbacks() throws IOException {
        MetricsRecords epochs = MetricsRecordsTest.parse("""
                {"type":"train","step":10,"epoch":0,"loss":1.0}
                {"type":"epoch","step":10,"epoch":0,"seconds":4,"samples":1000}
                {"type":"epoch","step":20,"epoch":1,"seconds":6,"samples":1500}
                {"type":"summary","step":20,"trainSeconds":99,"samplesPerSecond":99}
                """);
        RunSummary a = RunSummary.of(epochs, null);
        assertEquals(10.0, a.trainingSeconds(), 1e-12);
        assertEquals(250.0, a.meanSamplesPerSecond(), 1e-12);
        assertEquals(RunSummary.FROM_EPOCHS, a.timeSource());

        MetricsRecords summaryOnly = MetricsRecordsTest.parse("""
                {"type":"train","step":10,"epoch":0,"loss":1.0,"samplesPerSecond":80}
                {"type":"summary","step":20,"trainSeconds":99,"samplesPerSecond":120}
                """);
        RunSummary b = RunSummary.of(summaryOnly, null);
        assertEquals(99.0, b.trainingSeconds());
        assertEquals(120.0, b.meanSamplesPerSecond());
        assertEquals(RunSummary.FROM_SUMMARY, b.timeSource());

        MetricsRecords plain = MetricsRecordsTest.parse("""
                {"type":"train","step":10,"loss":1.0,"samplesPerSecond":80}
                {"type":"train","step":20,"loss":1.0,"samplesPerSecond":120}
                """);
        RunSummary c = RunSummary.of(plain, null);
        assertTrue(Double.isNaN(c.trainingSeconds()));
        assertEquals(100.0, c.meanSamplesPerSecond());
        assertEquals(0, c.epochs());
        assertNull(c.timeSource());
    }

    @Test
    void testAccuracyComesFromEval() throws IOException {
        EvalResult eval = EvalResultTest.eval("{\"split\":\"holdout\",\"accuracy\":0.93}");
        RunSummary s = RunSummary.of(MetricsRecords.empty(), eval);
        assertEquals("holdout", s.testSplit());
        assertEquals(0.93, s.testAccuracy());
        assertEquals(-1, s.steps());
        assertTrue(Double.isNaN(s.finalTrainLoss()));
    }
}

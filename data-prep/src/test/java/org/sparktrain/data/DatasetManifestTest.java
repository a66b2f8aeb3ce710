package org.sparktrain.data;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetManifestTest {
    static DatasetManifest sample() {
        Map<String, DatasetManifest.Split> splits = new LinkedHashMap<>();
        splits.put("train", new DatasetManifest.Split(6, List.of(1L, 2L, 3L)));
        splits.put("test", new DatasetManifest.Split(2, List.of(0L, 1L, 1L)));
        return new DatasetManifest(DatasetManifest.FORMAT, "toy", DatasetManifest.IMAGE_CLASSIFICATION, List.of(1, 2, 2), 3,
                List.of("a", "b", "c"), splits, List.of(new DatasetManifest.Source("file:/x", 10, "ab")), 4,
                "2025-01-02T03:04:05.678Z", "sparktrain-data-prep/Test dev");
    }

    @Test
    void jsonRoundTripKeepsEveryField() {
        DatasetManifest m = sample();
        String json = m.toJson();
        assertEquals(m, DatasetManifest.fromJson(json));
        assertTrue(json.indexOf("\"train\"") < json.indexOf("\"test\""), "split order kept: " + json);
        assertEquals(4, m.featureSize());
        assertEquals(List.of(1L, 2L, 3L), List.of(m.split("train").classHistogram().toArray()));
    }

    @Test
    void unknownKeyIsRejected() {
        String json = sample().toJson().replace("\"skipped\"", "\"skiped\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetManifest.fromJson(json));
        assertTrue(e.getMessage().contains("skiped"), e.getMessage());
    }

    @Test
    void inconsistentHistogramNamesTheKey() {
        String json = sample().toJson().replace("\"count\" : 6", "\"count\" : 7");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetManifest.fromJson(json));
        assertTrue(e.getMessage().contains("classHistogram: sums to 6 but count is 7"), e.getMessage());
    }

    @Test
    void otherFormatIsRejected() {
        String json = sample().toJson().replace(DatasetManifest.FORMAT, "sparktrain-prepared/2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetManifest.fromJson(json));
        assertTrue(e.getMessage().contains("format: unsupported 'sparktrain-prepared/2'"), e.getMessage());
    }

    @Test
    void unknownSplitListsTheKnownOnes() {
        BadInputException e = assertThrows(BadInputException.class, () -> sample().split("valid"));
        assertTrue(e.getMessage().contains("no split 'valid'") && e.getMessage().contains("[train, test]"), e.getMessage());
    }

    @Test
    void classNamesOrIndicesFallsBackToTheIndices() {
        assertEquals(List.of("a", "b", "c"), sample().classNamesOrIndices());
        DatasetManifest m = sample();
        DatasetManifest unnamed = new DatasetManifest(m.format(), m.name(), m.kind(), m.featureShape(), 3, null,
                m.splits(), m.sources(), m.skipped(), m.createdAt(), m.createdBy());
        assertEquals(List.of("0", "1", "2"), unnamed.classNamesOrIndices());
    }

    @Test
    void requireClassesNamesThePathAndTheUser() {
        sample().requireClasses("/data/toy", 3, "a classifier");
        BadInputException e = assertThrows(BadInputException.class,
                () -> sample().requireClasses("/data/toy", 4, "the linear probe"));
        assertEquals("/data/toy: the linear probe needs at least 4 classes, manifest has 3", e.getMessage());
    }
}
